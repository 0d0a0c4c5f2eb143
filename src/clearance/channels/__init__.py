"""Channels: the files a payment filter, an IT team, an app store or a fund really has, read into items
(`items`) and screened item by item through the engine (`screen`).

Readers: `payments` (ISO 20022 pacs.008 and pain.001, SWIFT MT103, a simple CSV), `apps` (device
inventories exported by mobile device management tools, app catalogues), `portfolio` (holdings). The
command line, the service and the UI call these unchanged.
"""
