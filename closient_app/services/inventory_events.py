"""Stock events: a level changed, was connected to or disconnected from a store, or an
inventory item changed its SKU or tracking. Each is one or two set-based statements.

Levels carry absolute counts ("available: 7"), never deltas, so applying the same event twice
gives the same row; with the version check an older event changes nothing.
"""

# SQL below is built once from constant fragments; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from closient_app.connectors.interface import (
    InventoryItemChanged,
    InventoryLevelChanged,
    InventoryLevelDisconnected,
)
from closient_app.ids import new_short_id
from closient_app.models import ReceiptStatus
from closient_app.services.event_context import APPLIED, OLDER, Applied, EventContext
from closient_app.services.offer_upserts import OfferRow, upsert_offer_rows
from closient_app.services.stock_status import stock_status_sql

AVAILABLE = "CAST(:available AS integer)"
VERSION = "CAST(:version AS timestamptz)"
NEW_QUANTITY = f"(CASE WHEN o.stock_tracked THEN {AVAILABLE} END)"
NEW_STATUS = stock_status_sql(NEW_QUANTITY, "o.stock_tracked")
AT_STORE = """
    o.location_id = l.id AND l.source_id = :source AND l.external_id = :location
    AND o.source_id = :source AND o.source = 'pos_sync' AND o.external_inventory_item_id = :item
"""
NOT_OLDER = f"({VERSION} IS NULL OR o.pos_updated_at IS NULL OR o.pos_updated_at <= {VERSION})"
OFFER_OUT = "o.id, o.product_id, o.location_id, o.sku, o.quantity_on_hand, o.status"

UPDATE_LEVEL = text(
    f"""
    UPDATE in_store_offer o SET
        quantity_on_hand = {NEW_QUANTITY},
        status = {NEW_STATUS},
        pos_updated_at = GREATEST(o.pos_updated_at, {VERSION}),
        last_inventory_sync = :now,
        updated = CASE WHEN (o.quantity_on_hand, o.status) IS DISTINCT FROM
                            ({NEW_QUANTITY}, {NEW_STATUS}) THEN :now ELSE o.updated END
    FROM location l
    WHERE {AT_STORE} AND {NOT_OLDER}
    RETURNING {OFFER_OUT}, o.updated = :now AS changed
    """
)
OFFER_AT_STORE = text(f"SELECT o.id FROM in_store_offer o, location l WHERE {AT_STORE} LIMIT 1")
SIBLING = text(
    """
    SELECT o.* FROM in_store_offer o
    WHERE o.source_id = :source AND o.source = 'pos_sync' AND o.external_inventory_item_id = :item
    LIMIT 1
    """
)
STORE = text("SELECT id FROM location WHERE source_id = :source AND external_id = :location")
DISCONNECT = text(
    f"DELETE FROM in_store_offer o USING location l WHERE {AT_STORE} AND {NOT_OLDER} RETURNING o.id"
)
ITEM_SCOPE = (
    "o.source_id = :source AND o.source = 'pos_sync' AND o.external_inventory_item_id = :item "
    "AND (CAST(:version AS timestamptz) IS NULL OR o.pos_variant_updated_at IS NULL "
    "OR o.pos_variant_updated_at <= CAST(:version AS timestamptz))"
)
TRACKED = "coalesce(CAST(:tracked AS boolean), o.stock_tracked)"
UPDATE_ITEM = text(
    f"""
    UPDATE in_store_offer o SET
        stock_tracked = {TRACKED},
        quantity_on_hand = CASE WHEN {TRACKED} THEN o.quantity_on_hand END,
        status = {stock_status_sql(f"CASE WHEN {TRACKED} THEN o.quantity_on_hand END", TRACKED)},
        pos_variant_updated_at = GREATEST(o.pos_variant_updated_at, {VERSION}),
        updated = :now
    WHERE {ITEM_SCOPE}
    RETURNING {OFFER_OUT}
    """
)
RENAME_SKU = text(f"UPDATE in_store_offer o SET sku = :sku WHERE {ITEM_SCOPE} AND o.sku <> :sku")


def _params(context: EventContext, **values: object) -> dict[str, object]:
    return {
        "source": context.source.id,
        "now": context.now,
        "low_below": context.low_stock_below,
        **values,
    }


def level_changed(context: EventContext, event: InventoryLevelChanged) -> Applied:
    params = _params(
        context,
        item=event.inventory_item_id,
        location=event.location_id,
        available=event.available,
        version=context.version(event.updated_at),
    )
    rows = context.session.execute(UPDATE_LEVEL, params).mappings().all()
    if not rows:
        if context.session.execute(OFFER_AT_STORE, params).first() is not None:
            return OLDER
        return _connect_level(context, params)
    for row in rows:
        context.forward("inventory.level.updated", offer_event(row, event.location_id))
    if not any(row["changed"] for row in rows):
        return ReceiptStatus.IGNORED, "already up to date (a repeated event)"
    return APPLIED


def _connect_level(context: EventContext, params: dict[str, object]) -> Applied:
    """The item is now stocked at a store where we had no offer: copy the item's offer from
    another store. An item we have never seen needs a sync (its product is not in the event)."""
    sibling = context.session.execute(SIBLING, params).mappings().first()
    store = context.session.execute(STORE, params).scalar()
    if sibling is None or store is None:
        return context.catch_up("a stock level for an item or store we do not know yet")
    row = OfferRow(
        **{name: sibling[name] for name in OfferRow._fields if name in sibling},
    )._replace(
        id=new_short_id(),
        location_id=store,
        quantity_on_hand=params["available"] if sibling["stock_tracked"] else None,
        last_inventory_sync=context.now,
        pos_updated_at=params["version"],
    )
    upsert_offer_rows(context.session, [row], now=context.now, low_below=context.low_stock_below)
    return APPLIED


def level_disconnected(context: EventContext, event: InventoryLevelDisconnected) -> Applied:
    """The item is no longer stocked at that store: its offer there goes (the deletion rule)."""
    params = _params(
        context,
        item=event.inventory_item_id,
        location=event.location_id,
        version=context.version(event.updated_at),
    )
    removed = context.session.execute(DISCONNECT, params).scalars().all()
    for offer_id in removed:
        context.forward("offer.deleted", {"id": offer_id, "reason": "level_disconnected"})
    return APPLIED if removed else (ReceiptStatus.IGNORED, "no such offer (already removed)")


def item_changed(context: EventContext, event: InventoryItemChanged) -> Applied:
    params = _params(
        context,
        item=event.inventory_item_id,
        tracked=event.tracked,
        sku=(event.sku or "")[:255],
        version=context.version(event.updated_at),
    )
    rows = context.session.execute(UPDATE_ITEM, params).mappings().all()
    if not rows:
        return ReceiptStatus.IGNORED, "no offers for this item, or older news"
    note = _rename_sku(context, params) if event.sku is not None else None
    if event.tracked and any(row["quantity_on_hand"] is None for row in rows):
        return context.catch_up("tracking was turned on; counts come with a sync")
    for row in rows:
        context.forward("offer.updated", offer_event(row, None))
    return ReceiptStatus.APPLIED, note


def _rename_sku(context: EventContext, params: dict[str, object]) -> str | None:
    try:
        with context.session.begin_nested():
            context.session.execute(RENAME_SKU, params)
    except IntegrityError:  # a manual offer holds (product, store, new sku): it wins
        return "SKU not changed: a manual offer at the same store already uses it"
    return None


def offer_event(row, pos_location_id: str | None) -> dict[str, object]:
    """The normalized offer in forwarded events (ids are ours, not the POS's)."""
    return {
        "id": row["id"],
        "product_id": row["product_id"],
        "physical_store_id": row["location_id"],
        "sku": row["sku"],
        "quantity_on_hand": row["quantity_on_hand"],
        "status": row["status"],
        **({"pos_location_id": pos_location_id} if pos_location_id else {}),
    }
