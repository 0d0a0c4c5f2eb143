"""The case store, below the faces: decisions as recorded, alerts and cases with their dispositions,
the allowlist, rescreening on a data diff, regulator reports, and the audit log that chains them.

SQLite in CLEARANCE_HOME by default, PostgreSQL when CLEARANCE_DATABASE_URL says so (SQLAlchemy, with
Alembic migrations). The command line, the batch, the channels and the service all use it alike.
"""

from clearance.store.database import StoreError
from clearance.store.store import Store, Unit

__all__ = ["Store", "StoreError", "Unit"]
