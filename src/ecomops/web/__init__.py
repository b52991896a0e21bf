"""The web console and REST API: FastAPI with server-rendered pages (Jinja2), users and roles.

- ``app``        ``create_app(ws)``: the FastAPI application, error pages, security headers
- ``accounts``   users, password hashes (argon2), API tokens, login sessions, login rate limits
- ``gate``       the server's single DuckDB connection: reads on cursors, imports serialised
- ``briefs``     the brief of a date, cached per import; the console's default date
- ``deps``       request dependencies: the signed-in user, roles, CSRF
- ``pages``      template rendering, translations and number formats for the pages
- ``charts``     plotly figure dicts for the pages (plotly.js is served from the installed package)
- ``routes/``    one router per page family and the JSON API
- ``service``    ``serve`` (uvicorn) and ``serve_demo``
"""
