"""Tokens: writes need ``BILAT_TOKEN`` as a bearer token; reads too when the server says so.

Pages cannot send a header, so a browser gives the token once at /login and keeps it in an
HTTP-only cookie, which counts for reads only: a write always needs the header, so another
site cannot make a visitor's browser write (no CSRF).
"""

from __future__ import annotations

import secrets

from fastapi import Request

from ..errors import BilatError

COOKIE = "bilat_token"


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _matches(given: str | None, token: str | None) -> bool:
    if not given or not token:
        return False
    return secrets.compare_digest(given.encode(), token.encode())


def require_write(request: Request) -> None:
    token = request.app.state.settings.token
    if token is None:
        raise BilatError("B502", "writes are off: start the server with BILAT_TOKEN set")
    if not _matches(_bearer(request), token):
        raise BilatError("B502", "send the server's token as 'Authorization: Bearer TOKEN'")


def may_read(request: Request) -> bool:
    settings = request.app.state.settings
    if not settings.protect_reads:
        return True
    return _matches(_bearer(request), settings.token) or \
        _matches(request.cookies.get(COOKIE), settings.token)


def require_read(request: Request) -> None:
    if not may_read(request):
        raise BilatError("B502", "this server's reads need its token too: send "
                                 "'Authorization: Bearer TOKEN'")


def token_matches(request: Request, given: str) -> bool:
    return _matches(given, request.app.state.settings.token)
