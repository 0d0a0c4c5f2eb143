"""The HTTP service: screening for other systems over HTTP (FastAPI, served by uvicorn).

`app.create_app()` builds the application; `serve.serve()` runs it with one or several worker processes.
Modules: `settings` (CLEARANCE_* variables), `errors` (every 4xx and 5xx as `{"error": {"code",
"message"}}`), `state` (the engine, loaded in the background), `auth` (API keys, roles, rate limits),
`body` (body size and content type), `models` (request and response documents), `routes` (screening
endpoints), `operations` (health, readiness, lists), `admin` (the admin log), `yente` and `ftm`
(yente-compatible routes).
"""
