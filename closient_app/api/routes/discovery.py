"""`/.well-known/api-catalog` (RFC 9727): where each app's OpenAPI document and docs page live."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from closient_app.api.apps import APPS, api_prefix
from closient_app.config import get_settings

router = APIRouter(tags=["discovery"])

LINKSET = 'application/linkset+json; profile="https://www.rfc-editor.org/info/rfc9727"'
OPENAPI_31 = "application/vnd.oai.openapi+json;version=3.1"


def api_catalog(base_url: str) -> dict:
    entries = [
        {
            "anchor": f"{base_url}{api_prefix(name)}",
            "title": f"Closient {name} API: {about}",
            "service-desc": [
                {"href": f"{base_url}{api_prefix(name)}/openapi.json", "type": OPENAPI_31}
            ],
            "service-doc": [{"href": f"{base_url}{api_prefix(name)}/docs", "type": "text/html"}],
        }
        for name, about in APPS.items()
    ]
    entries.append(
        {
            "anchor": f"{base_url}/oauth",
            "title": "Closient OAuth 2 authorization server (device flow)",
            "service-meta": [
                {
                    "href": f"{base_url}/.well-known/oauth-authorization-server",
                    "type": "application/json",
                }
            ],
        }
    )
    # For agents: the MCP server, its onboarding skill and its protected-resource metadata.
    entries.append(
        {
            "anchor": f"{base_url}/mcp",
            "title": "Closient MCP server (streamable HTTP): onboard a retailer as an agent",
            "service-doc": [
                {"href": f"{base_url}/agent-skills/onboard-retailer.md", "type": "text/markdown"}
            ],
            "service-meta": [
                {
                    "href": f"{base_url}/.well-known/oauth-protected-resource/mcp",
                    "type": "application/json",
                }
            ],
        }
    )
    return {"linkset": entries}


@router.api_route("/.well-known/api-catalog", methods=["GET", "HEAD"])
def get_api_catalog() -> JSONResponse:
    """Every app's API, per RFC 9727 (a linkset); HEAD answers with the Link header only."""
    base_url = get_settings().base_url
    link = f'<{base_url}/.well-known/api-catalog>; rel="api-catalog"'
    return JSONResponse(api_catalog(base_url), media_type=LINKSET, headers={"Link": link})
