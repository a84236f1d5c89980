"""Our OAuth 2 authorization server (Authlib's server components, wired to FastAPI by hand).

Grants: the device authorization grant (RFC 8628) and refresh tokens with rotation; plus
revocation (RFC 7009) and server metadata (RFC 8414). Access tokens are opaque, short-lived and
stored as hashes; a bearer token is a user credential whose role comes from the membership.
"""
