"""Precision and recall of the matcher on the labelled sets, at the default thresholds.

    .venv/bin/python benchmarks/quality.py [--errors]

Two sets, both in tests/data/: name_pairs.csv (pairs of names, same party or not, scored with
`compare`) and screening_cases.csv (queries against the built-in data, with the entity each must hit or
none). Prints the figures quoted in the README, a calibration table (share of true matches per score
band) and, with --errors, every case the matcher gets wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clearance import Engine, load_dataset
from clearance.datasets.policy import DataPolicy
from clearance.domain.enums import OnStale
from clearance.faces.evaluation import calibration, pairs, report, screening

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def main() -> None:
    # the built-in data alone, as the labelled screening cases are written against it: no sanctions list
    # is loaded, which the data policy should only warn about here
    engine = Engine(load_dataset(home=DATA / "no-home", policy=DataPolicy(on_stale=OnStale.WARN)))
    pc, perr, scored = pairs(engine, DATA / "name_pairs.csv")
    sc, serr = screening(engine, DATA / "screening_cases.csv")
    print(report("name pairs (compare)", pc))
    print(report("screening cases (screen)", sc))
    print("calibration on the name pairs:")
    print("\n".join(calibration(scored)))
    if "--errors" in sys.argv:
        print("\n".join(perr + serr))
    print("reproduce: .venv/bin/python benchmarks/quality.py --errors")


if __name__ == "__main__":
    main()
