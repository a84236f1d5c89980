"""The whole seed flow as an agent runs it, step by step, returning the seed's three outputs and
the ids it met on the way (the skill-document test reuses them)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from tests.agents.agent_flow import (
    Agent,
    Browser,
    connect_pos_in_browser,
    follow_job,
    get_user_token,
    poll_pos_connection,
)

INTEGRATIONS = "/integrations/api/v1"


@dataclass
class Onboarded:
    email: str
    organization_id: str
    source_id: str
    job_id: str
    location: dict  # the published POS store
    created_location: dict  # the store created through POST /locations
    offer: dict  # an in-stock offer with a GTIN at the published store
    outputs: dict


def onboard(agent: Agent, shop: str) -> Onboarded:
    say, email = agent.say, f"robin-{uuid.uuid4().hex[:8]}@example.test"

    say("1. the agent gets a user token (device flow) and creates the organization")
    get_user_token(agent, Browser(agent.base), email)
    org = agent.ok(
        "POST", "/account/api/v1/organizations", 201, json={"name": "Robin's", "country": "US"}
    )
    org_id = org["id"]

    say("2. the agent starts a device-code POS connect")
    started = agent.ok(
        "POST",
        f"{INTEGRATIONS}/pos-connections/device-code",
        json={"organization_id": org_id, "provider": "shopify", "shop": shop},
    )
    say(f"  tell the retailer: open {started['verification_uri']}, code {started['user_code']}")
    pending = agent.call(
        "POST",
        f"{INTEGRATIONS}/pos-connections/device-token",
        json={"device_code": started["device_code"]},
    )
    assert pending.status_code == 400
    assert pending.json()["error"]["code"] == "authorization_pending"
    agent.clock.sleep(started["interval"])

    say("3. the retailer signs in, confirms the code and approves at Shopify")
    page = connect_pos_in_browser(Browser(agent.base), started, email=email)
    assert page.status_code == 200 and "Your store is connected" in page.text

    say("4. the agent polls until connected")
    connected = poll_pos_connection(agent, started)
    assert connected["status"] == "connected" and connected["shop"] == shop

    say("5. the agent follows the first sync")
    job = follow_job(agent, connected["job_id"])
    assert job["status"] == "succeeded", job
    offers = agent.ok(
        "GET",
        f"/retailers/api/v1/organizations/{org_id}/in-store-offers",
        params={"page_size": 100},
    )
    assert offers["count"] > 0

    say("6. the agent publishes the POS's busiest store and creates a second one")
    location = publish_busiest_store(agent, offers["data"])
    created = agent.ok(
        "POST",
        "/locations/api/v1/locations",
        201,
        json={
            "organization_id": org_id,
            "name": "Robin's pop-up",
            "address": {
                "line1": "1 Nicollet Mall",
                "city": "Minneapolis",
                "region": "MN",
                "postal_code": "55401",
                "country": "US",
            },
            "status": "published",
        },
    )
    assert created["status"] == "published" and created["latitude"] is not None

    say("7. the agent checks readiness")
    readiness = agent.ok("GET", f"/retailers/api/v1/organizations/{org_id}/readiness")
    assert readiness["discoverable"], readiness
    assert all(readiness["checks"].values()) and readiness["next_steps"] == []

    say("8. the agent confirms the store appears in a search session")
    offer = next(
        o
        for o in offers["data"]
        if o["physical_store_id"] == location["id"] and o["gtin"] and o["status"] == "in_stock"
    )
    search = agent.ok(
        "POST",
        "/search/api/v1/search/session",
        json={
            "query": f"gtin:{offer['gtin']}",
            "latitude": location["latitude"],
            "longitude": location["longitude"],
            "radius_km": 5,
        },
    )
    assert location["id"] in {hit["store"]["id"] for hit in search["hits"]}, search
    sources = agent.ok("GET", f"{INTEGRATIONS}/sources", params={"organization_id": org_id})
    outputs = {
        "integration_status": sources["data"][0]["status"],
        "synced_offer_count": offers["count"],
        "first_location_url": location["url"],
    }
    return Onboarded(
        email=email,
        organization_id=org_id,
        source_id=connected["source_id"],
        job_id=connected["job_id"],
        location=location,
        created_location=created,
        offer=offer,
        outputs=outputs,
    )


def publish_busiest_store(agent: Agent, offers: list[dict]) -> dict:
    """The store with the most in-stock offers: confirm its POS pin, then publish it."""
    in_stock = Counter(o["physical_store_id"] for o in offers if o["status"] == "in_stock")
    store_id = in_stock.most_common(1)[0][0]
    path = f"/locations/api/v1/locations/{store_id}"
    store = agent.ok("GET", path)
    assert store["status"] == "draft"  # the sync imports POS stores; publishing is the retailer's
    if not store["coordinates_confirmed"]:
        store = agent.ok("PATCH", path, json={"coordinates_confirmed": True})
    return agent.ok("POST", f"{path}/publish")
