"""Is a retailer discoverable in local search? Three checks, each with what to do next.

`discoverable` means "the search finds this organization now": a published location with at
least one in-stock offer that the search counts (manual, or from a connected/syncing POS).
So a manual-only retailer IS discoverable; `pos_connected` is still reported false for them,
with a next step saying that a POS keeps their stock fresh (manual offers go stale in 24-48 h).
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import exists, or_
from sqlmodel import Session, select

from closient_app.models import (
    InStoreOffer,
    InventorySource,
    Location,
    LocationStatus,
    OfferSource,
    SourceStatus,
    StockStatus,
)

LIVE_SOURCE = (SourceStatus.CONNECTED, SourceStatus.SYNCING)
IN_STOCK = (StockStatus.IN_STOCK, StockStatus.LOW_STOCK)


class NextStep(BaseModel):
    check: str
    action: str
    endpoint: str


class Checks(BaseModel):
    pos_connected: bool
    location_published: bool
    in_stock_offer: bool


class Readiness(BaseModel):
    organization_id: str
    discoverable: bool
    checks: Checks
    next_steps: list[NextStep]


def _in_stock_offer(organization_id: str, *, published_only: bool):
    """An in-stock offer the search would count (manual, or from a live POS source)."""
    live_source = exists().where(
        InventorySource.id == InStoreOffer.source_id, InventorySource.status.in_(LIVE_SOURCE)
    )
    condition = exists().where(
        InStoreOffer.organization_id == organization_id,
        InStoreOffer.status.in_(IN_STOCK),
        or_(InStoreOffer.source == OfferSource.MANUAL, live_source),
        Location.id == InStoreOffer.location_id,
    )
    if published_only:
        condition = condition.where(Location.status == LocationStatus.PUBLISHED)
    return condition


def organization_readiness(*, session: Session, organization_id: str) -> Readiness:
    def org_has(model, *conditions) -> bool:
        query = select(exists().where(model.organization_id == organization_id, *conditions))
        return bool(session.exec(query).one())

    checks = Checks(
        pos_connected=org_has(InventorySource, InventorySource.status.in_(LIVE_SOURCE)),
        location_published=org_has(Location, Location.status == LocationStatus.PUBLISHED),
        in_stock_offer=bool(
            session.exec(select(_in_stock_offer(organization_id, published_only=True))).one()
        ),
    )
    return Readiness(
        organization_id=organization_id,
        discoverable=checks.location_published and checks.in_stock_offer,
        checks=checks,
        next_steps=next_steps(session, organization_id, checks),
    )


def next_steps(session: Session, organization_id: str, checks: Checks) -> list[NextStep]:
    steps = []
    if not checks.pos_connected:
        steps.append(_connect_step(session, organization_id))
    if not checks.location_published:
        steps.append(_publish_step(session, organization_id))
    if not checks.in_stock_offer:
        steps.append(_offer_step(session, organization_id, checks))
    return steps


def _connect_step(session: Session, organization_id: str) -> NextStep:
    endpoint = "POST /integrations/api/v1/shopify/install-links"
    source = session.exec(
        select(InventorySource).where(InventorySource.organization_id == organization_id)
    ).first()
    if source is not None:
        problem = f": {source.last_error}" if source.last_error else ""
        return NextStep(
            check="pos_connected",
            action=f"The {source.provider} connection for {source.shop_domain} is "
            f"{source.status.value}{problem}. Reconnect it: {endpoint} with "
            '{"organization_id", "shop"}, then open the install_url in a browser.',
            endpoint=endpoint,
        )
    return NextStep(
        check="pos_connected",
        action=f'Connect the POS: {endpoint} with {{"organization_id", "shop"}} and hand '
        "the install_url to the retailer (or use POST /integrations/api/v1/pos-connections/"
        "device-code). Manual offers also make a store discoverable, but they go stale "
        "(ranked lower) 24-48 h after their last update; a POS keeps them fresh.",
        endpoint=endpoint,
    )


def _publish_step(session: Session, organization_id: str) -> NextStep:
    draft = session.exec(
        select(Location).where(
            Location.organization_id == organization_id, Location.status == LocationStatus.DRAFT
        )
    ).first()
    if draft is not None:
        endpoint = f"POST /locations/api/v1/locations/{draft.id}/publish"
        return NextStep(
            check="location_published",
            action=f"Publish the location {draft.name!r}: {endpoint} (it needs coordinates; "
            "a pin imported from the POS must be confirmed first).",
            endpoint=endpoint,
        )
    endpoint = "POST /locations/api/v1/locations"
    return NextStep(
        check="location_published",
        action=f"Create the store and publish it: {endpoint} with the address and "
        '"status": "published" (coordinates are geocoded from the address when absent).',
        endpoint=endpoint,
    )


def _offer_step(session: Session, organization_id: str, checks: Checks) -> NextStep:
    offers = f"/retailers/api/v1/organizations/{organization_id}/in-store-offers"
    unpublished = session.exec(select(_in_stock_offer(organization_id, published_only=False))).one()
    if unpublished and not checks.location_published:
        action = "In-stock offers exist, but only at unpublished locations: publish one."
        return NextStep(check="in_stock_offer", action=action, endpoint=f"GET {offers}")
    if checks.pos_connected:
        action = (
            f"The POS is connected but no in-stock offer has arrived yet at a published "
            f"location: wait for the sync (poll GET {offers} every 5 s or more), and check that "
            "the POS locations match the published ones."
        )
        return NextStep(check="in_stock_offer", action=action, endpoint=f"GET {offers}")
    action = (
        f"Add an in-stock offer at a published location: POST {offers} with product_id, "
        'physical_store_id, sku, price_amount, price_currency, quantity_on_hand and "status": '
        '"in_stock" (or connect the POS and let it sync).'
    )
    return NextStep(check="in_stock_offer", action=action, endpoint=f"POST {offers}")
