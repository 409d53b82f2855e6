"""The web console under `/console`: admins, auditors and members see and act on what they may.

Loaded lazily: `app.py` reaches it only through `chalicelib.web.serve_console`, so `import app` and the
webhook path never import it (tests/test_app_import.py). Pages are rendered on the server (Jinja2) with a
small vendored htmx for partial updates; nothing is fetched at run time. Who may see or do what is
decided on the server by `chalicelib.console.roles`, with the same `chalicelib.authz` as cards and
commands; a case is acted on through the same card-click path as its card (`chalicelib.console.actions`).
"""
