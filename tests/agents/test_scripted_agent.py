"""Must show (a): a scripted agent onboards a retailer end to end over HTTP only, and prints the
seed's three outputs. The real API and the built-in Shopify run on a free port (`live_api`)."""

from __future__ import annotations

import uuid

import httpx

from tests.agents.agent_flow import JOB_POLL_S, Agent
from tests.agents.onboarding import onboard

SANDBOX = "/sandbox/shopify/_admin"


def new_shop(base: str, name: str) -> str:
    """A sandbox shop of its own (the sandbox lives as long as the test session)."""
    shop = f"{name}-{uuid.uuid4().hex[:6]}.myshopify.com"
    created = httpx.post(
        base + SANDBOX + "/shops",
        json={"shop": shop, "products": 8, "variants_per_product": 2, "locations": 2},
    )
    assert created.status_code == 201, created.text
    return shop


def test_an_agent_onboards_a_retailer_over_http(base, agent_clock, sync_worker, capsys) -> None:
    shop = new_shop(base, "robins-hardware")
    agent = Agent(base, agent_clock)

    onboarded = onboard(agent, shop)

    outputs = onboarded.outputs
    print(f"integration_status={outputs['integration_status']}")
    print(f"synced_offer_count={outputs['synced_offer_count']}")
    print(f"first_location_url={outputs['first_location_url']}")
    assert outputs["integration_status"] == "connected"
    assert outputs["synced_offer_count"] > 0
    location = onboarded.location
    assert outputs["first_location_url"] == (
        f"{base}/marketplace/{onboarded.organization_id}/locations/{location['id']}"
    )
    # The agent waited only on its clock: every sync poll came at least 5 s after the last.
    assert agent_clock.slept and min(agent_clock.slept) >= JOB_POLL_S
    with capsys.disabled():
        print("\n" + capsys.readouterr().out)
