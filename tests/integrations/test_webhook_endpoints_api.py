"""Webhook endpoints: detail with the secret, PATCH with URL rules, rotation with a 24 h grace
(both secrets valid during it, only the new one after; the clock is injected)."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from sqlmodel import select

from closient_app.connectors.interface import WebhookSubscription
from closient_app.connectors.shopify.consts import SUBSCRIBED_TOPICS
from closient_app.errors import ValidationFailed
from closient_app.models import Role, WebhookEndpoint
from closient_app.services.webhook_endpoints import (
    check_forward_url,
    provision_endpoints,
    valid_secrets,
)
from tests.factories import make_api_key
from tests.integrations.conftest import make_source
from tests.integrations.live import make_retailer

API = "/integrations/api/v1/webhooks/endpoints"


@pytest.fixture
def endpoint(live_api, db):
    """(retailer, one endpoint's id), provisioned as a connect does (the connect itself is
    covered in test_connect_flow; here only the endpoint API matters)."""
    retailer = make_retailer(db)
    source = make_source(db, retailer.org)
    subscriptions = [
        WebhookSubscription(topic, f"gid://shopify/WebhookSubscription/{n}")
        for n, topic in enumerate(SUBSCRIBED_TOPICS, start=1)
    ]
    endpoints = provision_endpoints(session=db, source=source, subscriptions=subscriptions)
    db.commit()
    return retailer, endpoints[0].id


def test_the_detail_shows_the_secret_matching_its_last4(live_api, endpoint) -> None:
    retailer, endpoint_id = endpoint
    for path in (f"{API}/{endpoint_id}", f"{API}/{endpoint_id}/"):
        detail = httpx.get(live_api + path, headers=retailer.headers)
        assert detail.status_code == 200, detail.text
        body = detail.json()
        assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
        assert body["secret"][-4:] == body["secret_last4"]


def test_the_secret_is_encrypted_at_rest(live_api, db, endpoint) -> None:
    retailer, endpoint_id = endpoint
    secret = httpx.get(f"{live_api}{API}/{endpoint_id}", headers=retailer.headers).json()["secret"]
    stored = db.get(WebhookEndpoint, endpoint_id).secret_encrypted
    assert secret not in stored and "whsec_" not in stored


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/{{id}}/rotate-secret/",
        f"{API}/{{id}}/rotate-secret",
        "/webhooks/endpoints/{id}/rotate-secret/",  # the seed's unprefixed spelling
        "/webhooks/endpoints/{id}/rotate-secret",
    ],
)
def test_rotation_keeps_the_old_secret_valid_for_24_hours(live_api, db, endpoint, path) -> None:
    retailer, endpoint_id = endpoint
    old = httpx.get(f"{live_api}{API}/{endpoint_id}", headers=retailer.headers).json()["secret"]

    rotated = httpx.post(live_api + path.format(id=endpoint_id), headers=retailer.headers)

    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new != old and new.startswith("whsec_")
    until = datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    db.expire_all()
    stored = db.get(WebhookEndpoint, endpoint_id)
    assert stored.previous_secret_expires_at == until
    assert valid_secrets(stored, until - timedelta(hours=24)) == [new, old]
    assert valid_secrets(stored, until - timedelta(seconds=1)) == [new, old]
    assert valid_secrets(stored, until) == [new]
    assert valid_secrets(stored, until + timedelta(hours=1)) == [new]
    assert (
        httpx.get(f"{live_api}{API}/{endpoint_id}", headers=retailer.headers).json()["secret"]
        == new
    )


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://retailer.example/hooks", True),
        ("http://localhost:8123/hooks", True),
        ("http://127.0.0.1:8123/hooks", True),
        ("http://retailer.example/hooks", False),
        ("https://10.1.2.3/hooks", False),
        ("https://169.254.169.254/latest", False),
        ("https://user:pw@retailer.example/hooks", False),
        ("ftp://retailer.example/hooks", False),
        ("https:///hooks", False),
        ("not a url", False),
        ("https://retailer.example:99999/", False),
    ],
)
def test_forward_url_rules(url, accepted) -> None:
    if accepted:
        assert check_forward_url(url) == url
    else:
        with pytest.raises(ValidationFailed) as refused:
            check_forward_url(url)
        assert refused.value.details[0]["field"] == "forward_url"


def test_local_forward_urls_are_refused_in_production(monkeypatch) -> None:
    from closient_app.config import get_settings

    monkeypatch.setattr(type(get_settings()), "is_production", property(lambda _: True))
    with pytest.raises(ValidationFailed):
        check_forward_url("http://localhost:8123/hooks")
    assert check_forward_url("https://retailer.example/h") == "https://retailer.example/h"


def test_patch_refuses_a_bad_forward_url_with_the_field_named(live_api, endpoint) -> None:
    retailer, endpoint_id = endpoint
    answer = httpx.patch(
        f"{live_api}{API}/{endpoint_id}",
        json={"forward_url": "http://retailer.example/hooks"},
        headers=retailer.headers,
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [
        {
            "field": "forward_url",
            "message": "must use https (http is accepted only for localhost during development)",
        }
    ]


def test_patch_sets_and_clears_fields_it_is_given(live_api, endpoint) -> None:
    retailer, endpoint_id = endpoint
    url = f"{live_api}{API}/{endpoint_id}/"
    set_url = httpx.patch(
        url, json={"forward_url": "https://r.example/h"}, headers=retailer.headers
    )
    paused = httpx.patch(url, json={"is_active": False}, headers=retailer.headers)
    cleared = httpx.patch(url, json={"forward_url": None}, headers=retailer.headers)
    assert (set_url.json()["forward_url"], set_url.json()["is_active"]) == (
        "https://r.example/h",
        True,
    )
    assert (paused.json()["forward_url"], paused.json()["is_active"]) == (
        "https://r.example/h",
        False,
    )
    assert (cleared.json()["forward_url"], cleared.json()["is_active"]) == (None, False)
    unknown = httpx.patch(url, json={"secret": "whsec_mine"}, headers=retailer.headers)
    assert unknown.status_code == 422


def test_viewers_list_but_cannot_see_secrets_or_change_endpoints(live_api, db, endpoint) -> None:
    retailer, endpoint_id = endpoint
    viewer = {"X-API-Key": make_api_key(db, retailer.org, role=Role.VIEWER).key}
    stranger = make_retailer(db, name="Stranger")
    assert httpx.get(f"{live_api}{API}/", headers=viewer).json()["count"] == 4
    assert httpx.get(f"{live_api}{API}/{endpoint_id}", headers=viewer).status_code == 403
    assert (
        httpx.patch(
            f"{live_api}{API}/{endpoint_id}", json={"is_active": False}, headers=viewer
        ).status_code
        == 403
    )
    assert (
        httpx.post(f"{live_api}{API}/{endpoint_id}/rotate-secret/", headers=viewer).status_code
        == 403
    )
    assert httpx.get(f"{live_api}{API}/{endpoint_id}", headers=stranger.headers).status_code == 404
    other_org = httpx.get(
        f"{live_api}{API}/", params={"organization_id": retailer.org.id}, headers=stranger.headers
    )
    assert other_org.status_code == 404
    assert httpx.get(f"{live_api}{API}/").status_code == 401
    assert db.exec(select(WebhookEndpoint)).first().is_active is True
