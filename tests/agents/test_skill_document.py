"""The skill document is served, listed in the discovery index, and every `METHOD /path` it
names answers: after a real onboarding (for real ids), each is called with the credential the
document says to use, and none may be 404, 405 or a 5xx."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable

import httpx

from closient_app.agents.skills import SKILLS
from closient_app.gtin import check_digit
from tests.agents.agent_flow import AGENT_CLIENT, AGENT_SCOPES, DEVICE_GRANT, Agent
from tests.agents.onboarding import Onboarded, onboard
from tests.agents.test_scripted_agent import new_shop

ENDPOINT = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE) (/[\w.{}/-]*)")
SKILL_URL = "/agent-skills/onboard-retailer.md"


def named_endpoints(document: str) -> set[tuple[str, str]]:
    return {(method, path) for method, path in ENDPOINT.findall(document)}


def test_the_skill_is_listed_and_served(base) -> None:
    index = httpx.get(f"{base}/.well-known/agent-skills/index.json").json()
    [entry] = index["skills"]
    document = httpx.get(f"{base}{SKILL_URL}")
    assert document.status_code == 200
    assert document.headers["content-type"].startswith("text/markdown")
    assert entry["url"] == f"{base}{SKILL_URL}" and entry["type"] == "skill-md"
    assert entry["digest"] == "sha256:" + hashlib.sha256(document.content).hexdigest()
    assert document.text.startswith("---\nname: onboard-retailer\n")
    assert entry["name"] == SKILLS[0].name
    catalog = {
        e["anchor"]: e for e in httpx.get(f"{base}/.well-known/api-catalog").json()["linkset"]
    }
    assert catalog[f"{base}/mcp"]["service-doc"][0]["href"] == f"{base}{SKILL_URL}"
    missing = httpx.get(f"{base}/agent-skills/nope.md")
    assert missing.status_code == 404 and missing.json()["error"]["next_step"]


def test_the_document_has_no_closed_gaps(base) -> None:
    text = httpx.get(f"{base}{SKILL_URL}").text.lower()
    for gap in ("known gaps", "dashboard form", "not fully api-driven", "planned"):
        assert gap not in text


def test_every_endpoint_the_skill_names_answers(base, agent_clock, sync_worker) -> None:
    agent = Agent(base, agent_clock, say=lambda _: None)
    onboarded = onboard(agent, new_shop(base, "skill-doc"))
    document = httpx.get(f"{base}{SKILL_URL}").text
    calls = endpoint_calls(agent, onboarded)

    assert named_endpoints(document) == set(calls), "every named endpoint needs a call here"
    answers = {endpoint: call() for endpoint, call in calls.items()}
    for (method, path), answer in answers.items():
        assert answer.status_code not in (404, 405), f"{method} {path}: {answer.text}"
        assert answer.status_code < 500, f"{method} {path}: {answer.text}"
    polls = {
        ("POST", "/oauth/token"),
        ("POST", "/integrations/api/v1/pos-connections/device-token"),
    }
    for endpoint in set(answers) - polls:  # a fresh device code is pending: 400 by design
        assert answers[endpoint].is_success, f"{endpoint}: {answers[endpoint].text}"


def endpoint_calls(agent: Agent, o: Onboarded) -> dict[tuple[str, str], Callable]:
    """(method, path as the document writes it) -> a call with real ids, body and credential."""
    org, lat, lon = o.organization_id, o.location["latitude"], o.location["longitude"]
    gtin = o.offer["gtin"]
    ints, loc = "/integrations/api/v1", "/locations/api/v1/locations"
    offers = f"/retailers/api/v1/organizations/{org}/in-store-offers"
    endpoints = agent.ok("GET", f"{ints}/webhooks/endpoints/", params={"organization_id": org})
    endpoint_id = endpoints["data"][0]["id"]
    search = {"query": f"gtin:{gtin}", "latitude": lat, "longitude": lon}
    body = str(uuid.uuid4().int)[:12]
    new_gtin = body + str(check_digit(body))

    def as_agent(method: str, path: str, **kwargs) -> Callable[[], httpx.Response]:
        return lambda: agent.call(method, path, **kwargs)

    def anonymous(method: str, path: str, **kwargs) -> Callable[[], httpx.Response]:
        return lambda: agent.http.request(method, path, **kwargs)

    def start_device_code(shop_name: str) -> dict:
        shop = new_shop(agent.base, shop_name)
        body = {"organization_id": org, "provider": "shopify", "shop": shop}
        return agent.ok("POST", f"{ints}/pos-connections/device-code", json=body)

    def poll_device_token() -> httpx.Response:
        code = start_device_code("skill-doc-poll")["device_code"]
        return agent.call(
            "POST", f"{ints}/pos-connections/device-token", json={"device_code": code}
        )

    def poll_oauth_token() -> httpx.Response:
        start = {"client_id": AGENT_CLIENT, "scope": AGENT_SCOPES}
        code = agent.http.post("/oauth/device_authorization", data=start).json()["device_code"]
        poll = {"grant_type": DEVICE_GRANT, "client_id": AGENT_CLIENT, "device_code": code}
        return agent.http.post("/oauth/token", data=poll)

    def add_manual_offer() -> httpx.Response:
        product = agent.ok("GET", f"/products/api/v1/products/{gtin}")
        offer = {
            "product_id": product["id"],
            "physical_store_id": o.created_location["id"],
            "sku": "MANUAL-1",
            "price_amount": 1099,
            "price_currency": "USD",
            "quantity_on_hand": 3,
            "status": "in_stock",
        }
        return agent.call("POST", offers, json=offer)

    def refine_search() -> httpx.Response:
        session = agent.ok("POST", "/search/api/v1/search/session", json=search)
        path = f"/search/api/v1/search/session/{session['session_id']}/refine"
        return agent.call("POST", path, json={"radius_km": 10})

    install_shop = new_shop(agent.base, "skill-doc-link")
    address = {
        "line1": "2 Main St",
        "city": "Saint Paul",
        "region": "MN",
        "postal_code": "55102",
        "country": "US",
    }
    new_location = {
        "organization_id": org,
        "name": "Annex",
        "status": "published",
        "address": address,
    }
    org_path = "/retailers/api/v1/organizations/{organization_id}"
    return {
        ("GET", "/.well-known/api-catalog"): anonymous("GET", "/.well-known/api-catalog"),
        ("GET", "/.well-known/oauth-authorization-server"): anonymous(
            "GET", "/.well-known/oauth-authorization-server"
        ),
        ("POST", "/oauth/device_authorization"): anonymous(
            "POST",
            "/oauth/device_authorization",
            data={"client_id": AGENT_CLIENT, "scope": AGENT_SCOPES},
        ),
        ("POST", "/oauth/token"): poll_oauth_token,
        ("GET", "/account/api/v1/whoami"): as_agent("GET", "/account/api/v1/whoami"),
        ("POST", "/account/api/v1/organizations"): as_agent(
            "POST", "/account/api/v1/organizations", json={"name": "Second", "country": "US"}
        ),
        ("POST", f"{ints}/pos-connections/device-code"): lambda: agent.call(
            "POST",
            f"{ints}/pos-connections/device-code",
            json={"organization_id": org, "shop": new_shop(agent.base, "skill-doc-start")},
        ),
        ("POST", f"{ints}/pos-connections/device-token"): poll_device_token,
        ("POST", f"{ints}/shopify/install-links"): as_agent(
            "POST",
            f"{ints}/shopify/install-links",
            json={"organization_id": org, "shop": install_shop},
        ),
        ("GET", f"{ints}/sources"): as_agent(
            "GET", f"{ints}/sources", params={"organization_id": org}
        ),
        ("GET", f"{ints}/webhooks/endpoints/"): as_agent(
            "GET", f"{ints}/webhooks/endpoints/", params={"organization_id": org}
        ),
        ("GET", f"{ints}/webhooks/endpoints/{{endpoint_id}}"): as_agent(
            "GET", f"{ints}/webhooks/endpoints/{endpoint_id}"
        ),
        ("POST", f"{ints}/webhooks/endpoints/{{endpoint_id}}/rotate-secret/"): as_agent(
            "POST", f"{ints}/webhooks/endpoints/{endpoint_id}/rotate-secret/"
        ),
        ("GET", f"{ints}/jobs/{{job_id}}"): as_agent("GET", f"{ints}/jobs/{o.job_id}"),
        ("POST", f"{ints}/sources/{{source_id}}/sync"): as_agent(
            "POST", f"{ints}/sources/{o.source_id}/sync"
        ),
        ("GET", f"{org_path}/in-store-offers"): as_agent("GET", offers, params={"page_size": 100}),
        ("POST", f"{org_path}/in-store-offers"): add_manual_offer,
        ("GET", "/products/api/v1/products/{gtin}"): as_agent(
            "GET", f"/products/api/v1/products/{gtin}"
        ),
        ("POST", "/products/api/v1/products"): as_agent(
            "POST",
            "/products/api/v1/products",
            json={"gtin": new_gtin, "name": "Brass Hinge", "brand": "Robin's"},
        ),
        ("GET", f"{loc}/{{location_id}}"): as_agent("GET", f"{loc}/{o.location['id']}"),
        ("PATCH", f"{loc}/{{location_id}}"): as_agent(
            "PATCH", f"{loc}/{o.location['id']}", json={"coordinates_confirmed": True}
        ),
        ("POST", f"{loc}/{{location_id}}/publish"): as_agent(
            "POST", f"{loc}/{o.location['id']}/publish"
        ),
        ("POST", loc): as_agent("POST", loc, json=new_location),
        ("GET", loc): as_agent("GET", loc, params={"lat": lat, "lon": lon, "radius": 1}),
        ("GET", f"{org_path}/readiness"): as_agent(
            "GET", f"/retailers/api/v1/organizations/{org}/readiness"
        ),
        ("POST", "/search/api/v1/search/session"): as_agent(
            "POST", "/search/api/v1/search/session", json=search
        ),
        ("POST", "/search/api/v1/search/session/{session_id}/refine"): refine_search,
        ("GET", "/retailers/api/v1/products/{gtin}/availability"): as_agent(
            "GET",
            f"/retailers/api/v1/products/{gtin}/availability",
            params={"lat": lat, "lon": lon, "radius_km": 5},
        ),
    }
