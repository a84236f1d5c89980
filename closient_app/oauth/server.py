"""The authorization server: Authlib's `AuthorizationServer`, bound to one request's database
session and clock. Authlib has no FastAPI integration; the route reads the form, builds an
`OAuth2Request` here and gets back `(status, body, headers)` to send.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from authlib.common.security import is_secure_transport
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from sqlmodel import Session

from closient_app.config import Settings
from closient_app.ids import new_short_id
from closient_app.models import DeviceGrantStatus
from closient_app.oauth import clients, grants, tokens
from closient_app.services.accounts import ALL_SCOPES

ERROR_HINTS = {
    "authorization_pending": "The user has not approved yet. Poll again after interval seconds.",
    "slow_down": "Polling too fast. Wait 5 seconds more between polls from now on.",
    "expired_token": "The device code expired. Start again at POST /oauth/device_authorization.",
    "access_denied": "The user denied the request.",
    "invalid_grant": "The refresh token is invalid, expired, revoked or was already used; "
    "reusing one revokes its whole grant. Start the device flow again.",
}


class FormRequest(OAuth2Request):
    """An OAuth2Request over an already-parsed form (Starlette reads bodies asynchronously)."""

    def __init__(self, method: str, uri: str, headers: Mapping[str, str], form: dict[str, str]):
        super().__init__(method, uri, headers=dict(headers))
        self._form = form
        self.payload = BasicOAuth2Payload(form)

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


class ClosientAuthorizationServer(AuthorizationServer):
    def __init__(self, *, session: Session, settings: Settings, now: Callable[[], datetime]):
        super().__init__(scopes_supported=list(ALL_SCOPES))
        self.session = session
        self.settings = settings
        self.now = now
        self.register_token_generator("default", self._generate_bearer_token)
        self.register_grant(grants.DeviceCodeGrant)
        self.register_grant(grants.RotatingRefreshTokenGrant)
        self.register_endpoint(grants.DeviceAuthorization)
        self.register_endpoint(grants.Revocation)

    def request_for(self, path: str, headers: Mapping[str, str], form: dict[str, str]):
        # Authlib refuses plain-http URIs. The public base URL decides (https in production);
        # in development a plain-http host is checked as loopback so a LAN address still works.
        uri = f"{self.settings.base_url}{path}"
        if not is_secure_transport(uri) and not self.settings.is_production:
            uri = f"http://127.0.0.1{path}"
        return FormRequest("POST", uri, headers, form)

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request  # already built by request_for()

    def handle_error_response(self, request, error):
        # Authlib leaves most device-flow errors without words; agents get a hint of what to do.
        if not error.description:
            error.description = ERROR_HINTS.get(error.error, "")
        return super().handle_error_response(request, error)

    def query_client(self, client_id: str):
        return clients.find_client(self.session, client_id)

    def _generate_bearer_token(
        self, grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True
    ) -> dict:
        token = {
            "token_type": "Bearer",
            "access_token": tokens.new_access_token(),
            "expires_in": expires_in or self.settings.access_token_ttl_s,
            "scope": client.get_allowed_scope(scope),
        }
        if include_refresh_token:
            token["refresh_token"] = tokens.new_refresh_token()
        return token

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        if request.refresh_token is not None:  # a refresh: same family, same organization
            previous = request.refresh_token.record
            family_id, organization_id = previous.family_id, previous.organization_id
        else:  # the device grant: a new family; the code cannot be used again
            grant = request.credential.grant
            family_id, organization_id = new_short_id(), grant.organization_id
            grant.status = DeviceGrantStatus.CONSUMED
            self.session.add(grant)
        tokens.store(
            session=self.session,
            token=token,
            client_id=request.client.get_client_id(),
            user_id=request.user.id,
            organization_id=organization_id,
            family_id=family_id,
            now=self.now(),
        )

    def handle_response(self, status: int, body, headers) -> tuple[int, dict, list]:
        return status, body, headers

    def send_signal(self, name: str, *args, **kwargs) -> None:
        """Authlib's signal hook; nothing listens."""
