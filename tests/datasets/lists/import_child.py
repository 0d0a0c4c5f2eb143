"""A `lists import` in a process of its own, for the fault-injection tests (test_faults.py) to kill.

    python import_child.py KILL_AT HOME PATH...

Runs `import_files(PATHS, HOME)`. Every call that changes the file system on the way (os.mkdir, fsync,
rename, replace, unlink, rmdir, shutil.rmtree) is a step; with KILL_AT > 0 the process kills itself
with SIGKILL at that step, before the call is made, as a crash or `kill -9` would. It prints "ready"
once its imports are done (for a parent that kills it at a random time) and the number of steps at the
end.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clearance.datasets.lists.updates import import_files

steps = 0


def _step(real: Callable[..., Any], kill_at: int) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    return call


def main() -> None:
    kill_at, home, paths = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    for module, name in (
        (os, "mkdir"),
        (os, "fsync"),
        (os, "rename"),
        (os, "replace"),
        (os, "unlink"),
        (os, "rmdir"),
        (shutil, "rmtree"),
    ):
        setattr(module, name, _step(getattr(module, name), kill_at))
    print("ready", flush=True)
    import_files(paths, home)
    print(steps, flush=True)


if __name__ == "__main__":
    main()
