"""Keep secrets out of logs and error messages.

Config values that reach a log line or an error (source URLs, SMTP replies, apprise URLs) go
through :func:`redact_url` or :func:`redact_text` first. Both are conservative: they hide a bit
more than strictly needed rather than less, and never raise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
# query parameters and ``key=value`` / ``key: value`` pairs whose value is hidden
_SECRET_NAME = re.compile(
    r"pass|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|credential|session|sig"
    r"|^key$|_key$|^code$|^sid$",
    re.IGNORECASE,
)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^\s<>\"'`]+")
_PAIR = re.compile(
    r"(?P<name>\b[\w-]*(?:pass(?:word)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key)[\w-]*)"
    r"(?P<sep>\s*[=:]\s*)(?P<quote>['\"]?)(?P<value>[^\s'\",;&]+)",
    re.IGNORECASE,
)
_WEB = ("http", "https")


def is_secret_name(name: str) -> bool:
    """Whether a key or query parameter name looks like it holds a secret."""
    return bool(_SECRET_NAME.search(name))


def redact_url(url: str) -> str:
    """``url`` with its secrets replaced by ``***``.

    For http(s): the password in ``user:pass@`` (a lone ``token@`` user too) and the values of
    token-like query parameters (``token``, ``api_key``, ``sig``, ...); host and path stay, so
    the URL still says which page failed. Any other scheme (apprise ``tgram://``, ``mailto://``,
    ``discord://`` ...) keeps the tokens in its host and path, so only the scheme is kept.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    scheme = parts.scheme.lower()
    if scheme and scheme not in _WEB:
        return f"{scheme}://{MASK}"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:{MASK}@{host}" if has_password else f"{MASK}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_name(k) for k, _ in pairs):
            query = urlencode([(k, MASK if is_secret_name(k) else v) for k, v in pairs], safe="*/:")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Free text with every URL passed through :func:`redact_url`, ``password=...``-style pairs
    masked, and each of ``secrets`` (exact values, e.g. a password read from the environment)
    replaced by ``***``."""
    for secret in sorted((s for s in secrets if s and len(s) >= 3), key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL.sub(lambda m: redact_url(m.group(0)), text)
    return _PAIR.sub(
        lambda m: f"{m['name']}{m['sep']}{m['quote']}{MASK}" if m["value"] != MASK else m[0], text
    )
