"""Authorization server metadata (RFC 8414) at /.well-known/oauth-authorization-server."""

from __future__ import annotations

from authlib.oauth2.rfc8628 import DEVICE_CODE_GRANT_TYPE

from closient_app.oauth.grants import CLIENT_AUTH_METHODS
from closient_app.services.accounts import ALL_SCOPES


def server_metadata(base_url: str) -> dict:
    return {
        "issuer": base_url,
        "token_endpoint": f"{base_url}/oauth/token",
        "device_authorization_endpoint": f"{base_url}/oauth/device_authorization",
        "revocation_endpoint": f"{base_url}/oauth/revoke",
        "scopes_supported": list(ALL_SCOPES),
        # No authorization endpoint: agents use the device grant, so no redirect response types.
        "response_types_supported": [],
        "grant_types_supported": [DEVICE_CODE_GRANT_TYPE, "refresh_token"],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "service_documentation": f"{base_url}/account/api/v1/docs",
    }
