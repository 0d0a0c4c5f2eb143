"""Batch screening: a file of parties in, one decision record per row out, with rejects and resume.

    summary = run(BatchJob(input=Path("payments.csv"), output=Path("decisions.csv"), name_col="payee"))

* Input: CSV (with a header row), JSON lines, or Parquet; format from the file name or `fmt`.
* Each row keeps its id (`id_col`, else its line number) and gets: decision, best hit (entity id, name,
  matched name, list), score, the measures on the hit with their states, and the data versions.
* A bad row (no name, an impossible date, an unknown kind, a control character, undecodable bytes,
  broken JSON, a malformed CSV line: an unbalanced quote costs its own row, never the rows after it)
  goes to the rejects file with its line number and reason; the batch goes on. So does a row whose
  screening fails by a fault of our own: rejected as an internal error, counted in the summary.
* Every row read is accounted for: rows read = decisions + rejects, checked for each chunk before it is
  written and for the run (`AccountingError` otherwise).
* Rows are screened in chunks by `workers` processes, which share the engine built once (forked) and
  each read the input and screen their share of every chunk, split by name; chunks are written in
  input order, and after each one a progress record is replaced atomically. A batch killed
  halfway resumes (`resume=True`) from the last chunk written and produces the same output as a run
  that was never interrupted; the record holds what the rows were decided on (data versions, as-of
  date, thresholds), and a resume on anything else is refused. Workers end when their parent does.
* No file the batch writes may be its input; a file that cannot be written (a full disk) is an
  `OutputError`, after which --resume completes the output.

The modules, each using only those before it: `job` (the job, the summary, formats and columns),
`rows` (reading the input), `output` (encoding and writing), `decisions` (a row's decision and the
decisions a process remembers), `screen` (a chunk screened in one process), `progress` (the progress
record and resuming), `workers` (the worker processes), `run` (a whole run).
"""

from clearance.faces.batch.decisions import DecisionCache, screen_row
from clearance.faces.batch.job import (
    FORMATS,
    OUTPUT_COLUMNS,
    REJECT_COLUMNS,
    AccountingError,
    BatchJob,
    OutputError,
    Summary,
)
from clearance.faces.batch.rows import read_rows
from clearance.faces.batch.run import run

__all__ = [
    "FORMATS",
    "OUTPUT_COLUMNS",
    "REJECT_COLUMNS",
    "AccountingError",
    "BatchJob",
    "DecisionCache",
    "OutputError",
    "Summary",
    "read_rows",
    "run",
    "screen_row",
]
