"""`clearance serve`: the HTTP service (`faces.service`), for other systems to screen over HTTP.

Exit codes: 0 when stopped (SIGTERM, SIGINT, Ctrl-C), 2 when it cannot start (a wrong setting, an address
in use, data that cannot be loaded).
"""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[
        str,
        typer.Option(envvar="CLEARANCE_HOST", help="Address to listen on; 0.0.0.0 for every interface."),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(envvar="CLEARANCE_PORT", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            envvar="CLEARANCE_WORKERS",
            min=0,
            max=256,
            help="Worker processes; 0 means one per CPU core (CLEARANCE_WORKERS is also `batch`'s). "
            "With more than one, the data is loaded once, before they are forked, and shared "
            "copy-on-write: each worker adds its caches and the pages it touches, not a copy.",
        ),
    ] = 1,
) -> None:
    """Serve the screening API over HTTP until stopped.

    Documentation at /docs (and /openapi.json) once it runs. Every route but /healthz, /readyz and the
    documentation needs a key: make one with `clearance keys create --role analyst` and send it as
    'Authorization: Bearer <key>'. It screens on the built-in data and the active list snapshots under
    CLEARANCE_HOME; /readyz answers 503 until they are loaded.

    Example:  KEY=$(clearance keys create --role analyst | tail -1); clearance serve --workers 2 &
    curl -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json'
    -d '{"queries": {"1": {"name": "Tencent Holdings"}}}' http://127.0.0.1:8000/screen

    Settings (environment): CLEARANCE_MAX_BODY (bytes, default 2 MB), CLEARANCE_MAX_BATCH (queries per
    request, 1000), CLEARANCE_RATE_LIMIT (requests a second per key and worker, 100; 0 for none),
    CLEARANCE_RATE_BURST (default twice the rate), CLEARANCE_TIME_LIMIT (seconds per request, 60),
    CLEARANCE_ON_STALE, CLEARANCE_MAX_LIST_AGE and CLEARANCE_REQUIRE_LISTS (the data policy)."""
    # imported here: the web framework (and followthemoney, for the yente routes) would slow every
    # other command's start-up
    from clearance.faces.service.serve import serve as run
    from clearance.faces.service.settings import ServiceSettings

    settings = ServiceSettings.from_env()  # a wrong setting: one line, exit 2 (cli.app.Guarded)
    run(host, port, workers, settings=settings)
