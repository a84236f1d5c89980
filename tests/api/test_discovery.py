"""The api-catalog (RFC 9727), one OpenAPI 3.1 document per app, and its offline docs page."""

from __future__ import annotations

import re

import pytest

from closient_app.api.apps import APPS
from closient_app.config import get_settings


def base_url() -> str:
    # Read at call time: a session fixture may have pointed PUBLIC_BASE_URL at a live server.
    return get_settings().base_url


def test_api_catalog_lists_every_app(client) -> None:
    response = client.get("/.well-known/api-catalog")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/linkset+json")
    assert response.headers["link"] == f'<{base_url()}/.well-known/api-catalog>; rel="api-catalog"'
    entries = {e["anchor"]: e for e in response.json()["linkset"]}
    for app in APPS:
        entry = entries[f"{base_url()}/{app}/api/v1"]
        assert entry["service-desc"] == [
            {
                "href": f"{base_url()}/{app}/api/v1/openapi.json",
                "type": "application/vnd.oai.openapi+json;version=3.1",
            }
        ]
        assert entry["service-doc"] == [
            {"href": f"{base_url()}/{app}/api/v1/docs", "type": "text/html"}
        ]
    assert entries[f"{base_url()}/oauth"]["service-meta"][0]["href"] == (
        f"{base_url()}/.well-known/oauth-authorization-server"
    )


def test_api_catalog_answers_head(client) -> None:
    response = client.head("/.well-known/api-catalog")

    assert response.status_code == 200
    assert 'rel="api-catalog"' in response.headers["link"]


@pytest.mark.parametrize("app", list(APPS))
def test_each_app_has_its_own_openapi_31_document(client, app) -> None:
    document = client.get(f"/{app}/api/v1/openapi.json").json()

    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == f"Closient {app} API"
    assert all(path.startswith(f"/{app}/api/v1/") for path in document["paths"])
    assert "HTTPValidationError" not in document.get("components", {}).get("schemas", {})


def test_operations_say_how_to_authenticate_and_what_errors_look_like(client) -> None:
    document = client.get("/account/api/v1/openapi.json").json()

    create_key = document["paths"]["/account/api/v1/organizations/{org_id}/api-keys"]["post"]
    assert create_key["x-required-scope"] == "org:write"
    assert create_key["security"] == [{"ApiKey": []}, {"Bearer": []}, {"Session": []}]
    error_ref = {"$ref": "#/components/schemas/Error"}
    for status in ("401", "403", "404", "422", "429"):
        assert create_key["responses"][status]["content"]["application/json"]["schema"] == error_ref
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
    }
    signup = document["paths"]["/account/api/v1/signup"]["post"]
    assert "security" not in signup


@pytest.mark.parametrize("app", list(APPS))
def test_docs_page_is_self_contained(client, app) -> None:
    response = client.get(f"/{app}/api/v1/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<script" not in page
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page)  # nothing from elsewhere
    assert f"/{app}/api/v1/openapi.json" in page


def test_account_docs_page_shows_operations_and_scopes(client) -> None:
    page = client.get("/account/api/v1/docs").text

    assert "/account/api/v1/organizations/{org_id}/members/{member_id}" in page
    assert "scope <code>org:write</code>" in page
    assert "Change a member&#x27;s role; an organization always keeps one OWNER" in page
