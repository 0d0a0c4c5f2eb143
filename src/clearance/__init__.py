"""clearance: is a party, payment, app or security hit by a legal restriction in force on a given date?

The public façade; everything else is an implementation module.

    from clearance import Engine, load_dataset
    engine = Engine(load_dataset())
    engine.screen("Tencent Holdings", kind="party", as_of="2021-03-01", activity="any").decision
"""

from clearance.datasets.builtin import Dataset
from clearance.datasets.loading import load_dataset
from clearance.domain.enums import Activity, Decision, Kind, QueryKind, State
from clearance.errors import ClearanceError, DataError, InputError
from clearance.matching.config import ScorerConfig
from clearance.matching.scorer import Comparison
from clearance.screening.engine import Engine
from clearance.screening.results import Hit, MeasureFinding, Result
from clearance.version import __version__

__all__ = [
    "Activity",
    "ClearanceError",
    "Comparison",
    "DataError",
    "Dataset",
    "Decision",
    "Engine",
    "Hit",
    "InputError",
    "Kind",
    "MeasureFinding",
    "QueryKind",
    "Result",
    "ScorerConfig",
    "State",
    "__version__",
    "load_dataset",
]
