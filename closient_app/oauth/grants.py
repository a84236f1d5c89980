"""Authlib's grants and endpoints, filled in with our storage.

Each hook reads `self.server.session` (the request's database session) and `self.server.now()`
(the injected clock), so tests can expire codes and tokens without sleeping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc8628 import DeviceAuthorizationEndpoint, DeviceCredentialMixin
from authlib.oauth2.rfc8628 import DeviceCodeGrant as _DeviceCodeGrant

from closient_app.models import DeviceGrant, DeviceGrantStatus, OAuthToken, User
from closient_app.oauth import device, tokens

log = logging.getLogger(__name__)

# Public clients authenticate with their client_id alone ("none"); confidential ones with secrets.
CLIENT_AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"]


@dataclass
class DeviceCredential(DeviceCredentialMixin):
    grant: DeviceGrant
    now: datetime
    polled_too_soon: bool = False

    def get_client_id(self) -> str:
        return self.grant.client_id

    def get_scope(self) -> str:
        return " ".join(self.grant.scopes)

    def get_user_code(self) -> str:
        # Only the user code's hash is stored; the grant id stands for it in query_user_grant.
        return self.grant.id

    def is_expired(self) -> bool:
        return self.grant.expires_at <= self.now


@dataclass
class TokenCredential:
    """What Authlib calls a token: our row, for refresh and revocation."""

    record: OAuthToken
    extra: dict = field(default_factory=dict)

    def check_client(self, client) -> bool:
        return self.record.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return " ".join(self.record.scopes)


class DeviceAuthorization(DeviceAuthorizationEndpoint):
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INTERVAL = 5

    def __init__(self, server):
        super().__init__(server)
        self.EXPIRES_IN = server.settings.device_code_ttl_s

    def get_verification_uri(self) -> str:
        return f"{self.server.settings.base_url}/oauth/device"

    def save_device_credential(self, client_id: str, scope: str | None, data: dict) -> None:
        client = self.server.query_client(client_id)
        device.create_grant(
            session=self.server.session,
            client_id=client_id,
            scopes=client.get_allowed_scope(scope).split(),  # no scope asked: all of the client's
            device_code=data["device_code"],
            user_code=data["user_code"],
            expires_in=data["expires_in"],
            interval=data["interval"],
            now=self.server.now(),
        )


class DeviceCodeGrant(_DeviceCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_device_credential(self, device_code: str) -> DeviceCredential | None:
        grant = device.find_by_device_code(self.server.session, device_code)
        if grant is None:
            return None
        now = self.server.now()
        return DeviceCredential(grant, now, polled_too_soon=device.record_poll(grant, now))

    def query_user_grant(self, grant_id: str):
        grant = self.server.session.get(DeviceGrant, grant_id)
        if grant is None or grant.status == DeviceGrantStatus.PENDING:
            return None
        return self.server.session.get(User, grant.user_id), (
            grant.status == DeviceGrantStatus.APPROVED
        )

    def should_slow_down(self, credential: DeviceCredential) -> bool:
        if credential.polled_too_soon:
            credential.grant.interval += device.INTERVAL_STEP_S
        return credential.polled_too_soon


class RotatingRefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: every refresh returns a new refresh token

    def authenticate_refresh_token(self, refresh_token: str) -> TokenCredential | None:
        record = tokens.find_by_refresh_token(self.server.session, refresh_token)
        now = self.server.now()
        if record is None:
            return None
        if record.rotated_at is not None:
            revoked = tokens.revoke_family(self.server.session, record.family_id, now)
            log.warning("refresh token reused: family %s revoked (%d)", record.family_id, revoked)
            return None
        if record.revoked_at is not None or (record.refresh_expires_at or now) <= now:
            return None
        return TokenCredential(record)

    def authenticate_user(self, credential: TokenCredential) -> User | None:
        user = self.server.session.get(User, credential.record.user_id)
        return user if user and user.is_active else None

    def revoke_old_credential(self, credential: TokenCredential) -> None:
        credential.record.rotated_at = self.server.now()
        self.server.session.add(credential.record)


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None):
        session = self.server.session
        finders = [tokens.find_by_access_token, tokens.find_by_refresh_token]
        if token_type_hint == "refresh_token":  # noqa: S105  (a hint name, not a secret)
            finders.reverse()
        for find in finders:
            record = find(session, token_string)
            if record is not None:
                return TokenCredential(record)
        return None

    def revoke_token(self, token: TokenCredential, request) -> None:
        # Revoking either token of a grant ends the grant: the user asked the agent to stop.
        tokens.revoke_family(self.server.session, token.record.family_id, self.server.now())
