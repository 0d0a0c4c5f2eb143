"""The version of clearance's code, named in every result (`engine_version`)."""

__version__ = "0.1.0"
