"""The seed's onboarding, driven the way an agent does it: HTTP only, with a device-flow token.

The agent (`Agent`: one httpx client, a bearer token, no cookies) does every step through the
API; the retailer (`Browser`: another httpx client with its own cookie jar and no credential)
does only what a person must: sign up, approve the agent, confirm the code, approve at Shopify.
Waiting happens on the `AgentClock`, never in real time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.agents.conftest import AgentClock

AGENT_CLIENT = "closient-agent"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
AGENT_SCOPES = (
    "org:read org:write integrations:read integrations:write "
    "offers:read offers:write locations:read locations:write"
)
PASSWORD = "correct horse battery staple"
JOB_POLL_S = 5  # the seed: never poll the sync faster than every 5 seconds
FINISHED = ("succeeded", "failed", "cancelled")


class Browser:
    """The retailer's browser: follows nothing by itself, keeps its cookies."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=30)

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.http.get(url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.http.post(url, **kwargs)


def hidden_field(html: str, name: str) -> str:
    match = re.search(rf"name={name} value='([^']*)'", html)
    assert match, f"no {name} field in the page"
    return match.group(1)


@dataclass
class Agent:
    base: str
    clock: AgentClock
    say: Callable[[str], None] = print
    token: str = ""
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base, timeout=60)

    def call(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.http.request(method, path, headers=headers, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs) -> dict:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json()


def approve_agent_as_new_user(browser: Browser, started: dict, email: str) -> None:
    """The retailer opens the agent's link, signs up there and approves the agent."""
    page = browser.get(started["verification_uri_complete"])
    assert page.status_code == 200 and "Log in" in page.text
    user_code = started["user_code"]
    signed_up = browser.post(
        "/oauth/device/signup",
        data={"email": email, "password": PASSWORD, "name": "Robin", "user_code": user_code},
    )
    assert signed_up.status_code == 303, signed_up.text
    confirm = browser.get(signed_up.headers["location"])
    assert "Approve this agent?" in confirm.text
    decided = browser.post(
        "/oauth/device/decision",
        data={
            "user_code": user_code,
            "csrf_token": hidden_field(confirm.text, "csrf_token"),
            "organization_id": "",  # all of mine, including the one the agent will create
            "decision": "approve",
        },
    )
    assert decided.status_code == 200 and "Agent connected" in decided.text


def get_user_token(agent: Agent, browser: Browser, email: str) -> None:
    """RFC 8628 against our OAuth server: start, let the person approve, poll for the token."""
    started = agent.http.post(
        "/oauth/device_authorization", data={"client_id": AGENT_CLIENT, "scope": AGENT_SCOPES}
    ).json()
    approve_agent_as_new_user(browser, started, email)
    interval = started["interval"]
    while True:
        agent.clock.sleep(interval)
        answer = agent.http.post(
            "/oauth/token",
            data={
                "grant_type": DEVICE_GRANT,
                "device_code": started["device_code"],
                "client_id": AGENT_CLIENT,
            },
        )
        if answer.status_code == 200:
            agent.token = answer.json()["access_token"]
            return
        error = answer.json()["error"]
        assert error in ("authorization_pending", "slow_down"), answer.text
        interval += 5 if error == "slow_down" else 0


def connect_pos_in_browser(
    browser: Browser, started: dict, *, email: str, decision: str = "approve"
) -> httpx.Response:
    """The retailer on another device: open the link, sign in, confirm, approve at Shopify.
    Returns the callback's page."""
    page = browser.get(started["verification_uri_complete"])
    assert page.status_code == 200 and "Sign in" in page.text, page.text
    signed_in = browser.post(
        "/integrations/connect/device/login",
        data={"email": email, "password": PASSWORD, "user_code": started["user_code"]},
    )
    assert signed_in.status_code == 303, signed_in.text
    confirm = browser.get(signed_in.headers["location"])
    assert confirm.status_code == 200 and "Connect your store?" in confirm.text, confirm.text
    to_pos = browser.post(
        "/integrations/connect/device/decision",
        data={
            "user_code": started["user_code"],
            "csrf_token": hidden_field(confirm.text, "csrf_token"),
            "decision": "approve",
        },
    )
    assert to_pos.status_code == 303, to_pos.text
    authorize = to_pos.headers["location"]
    consent = browser.get(authorize)
    assert consent.status_code == 200 and 'value="approve"' in consent.text
    form = dict(parse_qsl(urlsplit(authorize).query)) | {"decision": decision}
    back = browser.post(authorize.split("?")[0], data=form)
    assert back.status_code == 302, back.text
    return browser.get(back.headers["location"])


def poll_pos_connection(agent: Agent, started: dict) -> dict:
    """Poll device-token per RFC 8628: wait `interval`, slow down when told to."""
    interval = started["interval"]
    while True:
        answer = agent.call(
            "POST",
            "/integrations/api/v1/pos-connections/device-token",
            json={"device_code": started["device_code"]},
        )
        if answer.status_code == 200:
            return answer.json()
        error = answer.json()["error"]
        assert error["code"] in ("authorization_pending", "slow_down"), answer.text
        interval = error["interval"]
        agent.say(f"  poll: {error['code']} ({error['message']}); waiting {interval} s")
        agent.clock.sleep(interval)


def follow_job(agent: Agent, job_id: str) -> dict:
    job = agent.ok("GET", f"/integrations/api/v1/jobs/{job_id}")
    while job["status"] not in FINISHED:
        agent.clock.sleep(JOB_POLL_S)
        job = agent.ok("GET", f"/integrations/api/v1/jobs/{job_id}")
        progress = job["progress"]
        agent.say(
            f"  job {job['status']}: {progress['done']}/{progress['total']} {progress['unit']}"
        )
    return job
