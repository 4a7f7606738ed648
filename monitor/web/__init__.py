"""Stage 7, web: the read-only dashboard (``asicmon serve``) and its static copy (``asicmon
report``).

Owns the Starlette app (``app.py``: routes, token, security headers), the HTML rendering
(``pages.py``, ``templates/``) and the shipped stylesheet (``static/``). Every number comes from
a job (:mod:`monitor.jobs.web`); it never opens the store itself.
May import: ``config``, ``jobs``, ``redact``.
"""
