"""Channel runs: the files of `clearance payments`, `text`, `apps` and `portfolio` screened item by item
into records, with the batch's conventions for output, rejects and resume (`run`, `records`)."""
