"""`POST /integrations/shopify/webhooks`: the receiver for every Shopify delivery.

Order matters: the HMAC is checked on the raw bytes before anything else is read, and a bad
one gets 401 with nothing written (the privacy topics must answer exactly that). A good one is
recorded once and queued; the worker applies it. Topics we do not use get 200, because Shopify
deletes a subscription whose deliveries keep failing.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from closient_app.api.errors import envelope
from closient_app.connectors.registry import live_connector
from closient_app.connectors.shopify.consts import PRIVACY_TOPICS, SUBSCRIBED_TOPICS
from closient_app.connectors.shopify.domain import is_shop_domain
from closient_app.connectors.shopify.signatures import shopify_header
from closient_app.connectors.shopify.values import parse_timestamp
from closient_app.db import session_scope
from closient_app.services.webhook_intake import record_receipt

router = APIRouter(tags=["integrations"], include_in_schema=False)

KNOWN_TOPICS = frozenset(SUBSCRIBED_TOPICS) | frozenset(PRIVACY_TOPICS)
MAX_BODY_BYTES = 5 * 1024 * 1024  # far above a product with 100 variants


@router.post("/integrations/shopify/webhooks")
async def receive_shopify_webhook(request: Request) -> Response:
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return envelope(413, "The delivery is too large.")
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return envelope(413, "The delivery is too large.")
    if not live_connector("shopify").verify_webhook(request.headers, raw):
        return envelope(401, "The webhook signature is not valid.")
    topic = (shopify_header(request.headers, "Topic") or "").strip()
    if topic not in KNOWN_TOPICS:
        return JSONResponse({"received": True, "recorded": False})
    webhook_id = (shopify_header(request.headers, "Webhook-Id") or "").strip()
    shop = (shopify_header(request.headers, "Shop-Domain") or "").strip().lower()
    if not webhook_id or len(webhook_id) > 255 or not is_shop_domain(shop):
        return envelope(400, "A signed delivery must name its webhook id and shop.")
    await run_in_threadpool(
        _record,
        webhook_id=webhook_id,
        topic=topic,
        shop=shop,
        triggered_at=shopify_header(request.headers, "Triggered-At"),
        raw=raw,
    )
    return JSONResponse({"received": True})


def _record(
    *, webhook_id: str, topic: str, shop: str, triggered_at: str | None, raw: bytes
) -> None:
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    try:
        sent_at = parse_timestamp(triggered_at)
    except ValueError:
        sent_at = None  # informative only; ordering uses the payload's own updated_at
    with session_scope() as session:
        record_receipt(
            session=session,
            provider="shopify",
            webhook_id=webhook_id,
            topic=topic,
            shop_domain=shop,
            triggered_at=sent_at,
            payload=body if isinstance(body, dict) else None,
        )
