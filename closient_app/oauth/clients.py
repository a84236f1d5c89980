"""OAuth clients, as Authlib's `ClientMixin` sees them.

`closient-agent` is the built-in public client every agent uses for the device flow. It is
created on first use (an idempotent insert), not seeded by a migration: an empty or truncated
database still works, and its settings live here, in code, where they are reviewed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc8628 import DEVICE_CODE_GRANT_TYPE
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from closient_app import clock
from closient_app.models import OAuthClient
from closient_app.services.accounts import ALL_SCOPES

AGENT_CLIENT_ID = "closient-agent"
BUILT_IN_CLIENTS = {
    AGENT_CLIENT_ID: {
        "name": "Closient agent (device flow)",
        "grant_types": [DEVICE_CODE_GRANT_TYPE, "refresh_token"],
        "scopes": list(ALL_SCOPES),
    }
}
SECRET_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass(frozen=True)
class RegisteredClient(ClientMixin):
    record: OAuthClient

    @property
    def is_public(self) -> bool:
        return self.record.secret_hash is None

    def get_client_id(self) -> str:
        return self.record.id

    def get_default_redirect_uri(self) -> None:
        return None  # no redirect-based grants

    def get_allowed_scope(self, scope: str | None) -> str:
        requested = scope.split() if scope else self.record.scopes
        return " ".join(s for s in requested if s in self.record.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        if self.is_public:
            return False
        digest = hashlib.sha256(client_secret.encode()).hexdigest()
        return hmac.compare_digest(digest, self.record.secret_hash or "")

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none" if self.is_public else method in SECRET_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.record.grant_types


def find_client(session: Session, client_id: str) -> RegisteredClient | None:
    record = session.get(OAuthClient, client_id)
    if record is None and client_id in BUILT_IN_CLIENTS:
        session.execute(
            insert(OAuthClient)
            .values(id=client_id, created=clock.utcnow(), **BUILT_IN_CLIENTS[client_id])
            .on_conflict_do_nothing()
        )
        record = session.get(OAuthClient, client_id)
    return RegisteredClient(record) if record else None
