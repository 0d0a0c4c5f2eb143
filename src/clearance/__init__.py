"""clearance: is a party, payment, app or security hit by a legal restriction in force on a given date?

The public façade; everything else is an implementation module.

    from clearance import Engine
    engine = Engine.default()
    engine.screen("Tencent Holdings", kind="party", as_of="2021-03-01", activity="any").decision
"""

__version__ = "0.1.0"

from clearance.errors import ClearanceError, DataError, InputError
from clearance.matching.scorer import Comparison, Thresholds, compare
from clearance.screening.engine import Engine, Hit, Result

__all__ = [
    "ClearanceError",
    "Comparison",
    "DataError",
    "Engine",
    "Hit",
    "InputError",
    "Result",
    "Thresholds",
    "__version__",
    "compare",
]
