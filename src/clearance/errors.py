"""Typed errors. Every one carries a one-line message fit for a user; none should surface as a traceback."""


class ClearanceError(Exception):
    """Base of every error clearance raises on purpose."""


class InputError(ClearanceError, ValueError):
    """A query, date, kind or activity that cannot be screened (CLI exit 2)."""


class DataError(ClearanceError):
    """A data file (built-in or a list) that cannot be read, with the file and place."""
