"""The analyst's web UI, served by the service under `/ui`: server-rendered HTML (Jinja2 templates in
`templates/`, one stylesheet and one small script in `static/`, nothing fetched from elsewhere).

`router` holds every page and the static files; `create_app` includes it once. Modules: `session`
(sign-in cookie, CSRF), `render` (templates, headers, forms), `signin` (sign in and out), `cases`
(queue, case page, dispositions, four eyes, allowlist), `browse` (search, entity, lists, audit),
`explain` (a hit's names, measures and path prepared for the case page).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from clearance.faces.service.ui import browse, cases, signin
from clearance.faces.service.ui.render import STATIC

router = APIRouter(include_in_schema=False)
router.include_router(signin.router)
router.include_router(cases.router)
router.include_router(browse.router)
router.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
router.add_api_route("/ui/{rest:path}", browse.missing, methods=["GET"])  # last: it matches any path

__all__ = ["router"]
