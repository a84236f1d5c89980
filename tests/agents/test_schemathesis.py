"""Must show (c): Schemathesis against each app's OpenAPI document on the live server, with a
valid credential: no 5xx, and every response matches the schema its operation documents.

Valid cases point their path ids at a real organization's records (so calls get past 404 into
the routes' real work); invalid cases break any part of the request. The key's rate limit is
raised, or the fuzzing would mostly measure our 429. Schemathesis's pytest plugin does not run
under pytest 9, so each operation is driven with Hypothesis directly; every finding of every
operation is collected before the test fails, and cases are counted per app and printed.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from closient_app.api.apps import APPS
from closient_app.jobs.queue import enqueue_sync
from closient_app.models import JobKind, WebhookEndpoint
from closient_app.services import accounts
from closient_app.services.crypto import encrypt_secret
from tests.factories import make_location, make_offer, make_org, make_product
from tests.integrations.conftest import make_source

MAX_EXAMPLES = 10  # per operation and mode: about 70 operations x 2 modes, under 2 minutes
CHECKS = [not_a_server_error, response_schema_conformance]
CASES: Counter[str] = Counter()


def seed_organization(db) -> dict[str, str]:
    """An organization with a store, an offer, a connected source, a sync job and an endpoint."""
    org = make_org(db, name="Fuzzed Hardware")
    location = make_location(db, org)
    product = make_product(db, gtin="00012345678905")
    offer = make_offer(db, org=org, product=product, location=location)
    source = make_source(db, org, shop="fuzzed.myshopify.com")
    job = enqueue_sync(session=db, source=source, kind=JobKind.INITIAL_SYNC)
    endpoint = WebhookEndpoint(
        organization_id=org.id,
        source_id=source.id,
        provider="shopify",
        topic_group="inventory",
        topics=["inventory_levels/update"],
        secret_encrypted=encrypt_secret("whsec_fuzz"),
    )
    db.add(endpoint)
    issued = accounts.issue_api_key(
        session=db,
        organization_id=org.id,
        name="fuzzing",
        rate_limit_per_minute=1_000_000,
        rate_limit_per_day=10_000_000,
    )
    db.commit()
    return {
        "key": issued.key,
        "org_id": org.id,
        "organization_id": org.id,
        "location_id": location.id,
        "offer_id": offer.id,
        "source_id": source.id,
        "job_id": job.id,
        "endpoint_id": endpoint.id,
        "gtin": product.gtin,
        "key_id": issued.record.id,
    }


def fuzz(operation, mode: GenerationMode, *, base: str, ids: dict) -> tuple[int, str | None]:
    """Run one operation's cases; (cases run, the first failure or None)."""
    known = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
    strategy = operation.as_strategy(
        mode, path_parameters=known if mode is GenerationMode.POSITIVE else None
    )
    ran = 0

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # report, do not shrink: keeps the run short
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        nonlocal ran
        ran += 1
        case.call_and_validate(base_url=base, headers={"X-API-Key": ids["key"]}, checks=CHECKS)

    try:
        check()
    except Unsatisfiable:  # nothing invalid to generate for it (e.g. a GTIN path segment)
        return ran, None
    except Exception as failure:  # noqa: BLE001 - collected and reported by the test
        return ran, f"{operation.label} ({mode.value}): {failure}"
    return ran, None


@pytest.mark.parametrize("app_name", list(APPS))
def test_each_app_keeps_its_own_contract(app_name, base, db) -> None:
    ids = seed_organization(db)
    schema = schemathesis.openapi.from_url(f"{base}/{app_name}/api/v1/openapi.json")
    findings = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            ran, failure = fuzz(operation, mode, base=base, ids=ids)
            CASES[app_name] += ran
            if failure:
                findings.append(failure)
    print(f"\n{app_name}: {CASES[app_name]} cases")
    assert not findings, "\n\n".join(findings)


def teardown_module() -> None:
    print(f"\nschemathesis cases: {dict(CASES)} total={sum(CASES.values())}")
