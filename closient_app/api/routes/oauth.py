"""Our OAuth 2 server's protocol endpoints: device authorization, token, revocation, metadata.

These answer in OAuth's own formats (RFC 6749 5.1/5.2, RFC 8628 3.2/3.5, RFC 7009), not the
API's error envelope: standard OAuth and device-flow clients parse `{"error": "slow_down"}`.
Wrong methods, unknown paths and crashes still get the envelope.
"""

from __future__ import annotations

from authlib.oauth2 import OAuth2Error
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from closient_app import clock
from closient_app.config import get_settings
from closient_app.db import session_scope
from closient_app.oauth.metadata import server_metadata
from closient_app.oauth.server import ClosientAuthorizationServer

router = APIRouter(tags=["oauth"])
FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
    }
}


def _answer(endpoint: str, path: str, headers: dict[str, str], form: dict[str, str]):
    """Run one Authlib endpoint in one unit of work; error answers commit too (they record
    polls, and a reused refresh token's family revocation must stick)."""
    with session_scope() as session:
        server = ClosientAuthorizationServer(
            session=session, settings=get_settings(), now=clock.utcnow
        )
        try:
            oauth_request = server.request_for(path, headers, form)
            if endpoint == "token":
                return server.create_token_response(oauth_request)
            return server.create_endpoint_response(endpoint, oauth_request)
        except OAuth2Error as error:  # raised before Authlib's own handling (e.g. plain http)
            return error()


async def _respond(request: Request, endpoint: str) -> JSONResponse:
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    status, body, headers = await run_in_threadpool(
        _answer, endpoint, request.url.path, dict(request.headers), form
    )
    return JSONResponse(body, status_code=status, headers=dict(headers))


@router.post("/oauth/device_authorization", openapi_extra=FORM_BODY)
async def device_authorization(request: Request) -> JSONResponse:
    """RFC 8628 3.1: `client_id=closient-agent[&scope=...]` -> device_code, user_code, ..."""
    return await _respond(request, "device_authorization")


@router.post("/oauth/token", openapi_extra=FORM_BODY)
async def token(request: Request) -> JSONResponse:
    """Device-code and refresh-token grants; refresh tokens rotate on every use."""
    return await _respond(request, "token")


@router.post("/oauth/revoke", openapi_extra=FORM_BODY)
async def revoke(request: Request) -> JSONResponse:
    """RFC 7009: revoking either token of a grant ends the whole grant."""
    return await _respond(request, "revocation")


@router.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata() -> JSONResponse:
    """RFC 8414 metadata."""
    return JSONResponse(server_metadata(get_settings().base_url))
