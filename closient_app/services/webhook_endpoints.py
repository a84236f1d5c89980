"""Webhook endpoints: provisioned per subscribed topic group on connect, with a rotating secret.

The secret (`whsec_...`, encrypted at rest) signs what we forward to the endpoint's
`forward_url`. Rotation keeps the previous secret valid for 24 hours, so a retailer can deploy
the new one without dropping deliveries; there is at most one previous secret at a time.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, select

from closient_app.config import get_settings
from closient_app.connectors.interface import WebhookSubscription
from closient_app.errors import NotFound, ValidationFailed
from closient_app.models import InventorySource, WebhookEndpoint, WebhookReceipt
from closient_app.services import forward_destinations
from closient_app.services.crypto import decrypt_secret, encrypt_secret
from closient_app.services.forward_destinations import LOCAL_HOSTS

ROTATION_GRACE = timedelta(hours=24)
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
# Resources that change the same offers travel together: one endpoint for stock, one for the
# catalog, one for stores, one for the app's own lifecycle.
GROUP_OF_RESOURCE = {"inventory_levels": "inventory", "inventory_items": "inventory"}


def topic_group(topic: str) -> str:
    resource = topic.split("/", 1)[0]
    return GROUP_OF_RESOURCE.get(resource, resource)


def receive_url(provider: str) -> str:
    """Where the POS delivers: one receiver per provider (the payload names the shop)."""
    return f"{get_settings().base_url}/integrations/{provider}/webhooks"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def provision_endpoints(
    *, session: Session, source: InventorySource, subscriptions: Sequence[WebhookSubscription]
) -> list[WebhookEndpoint]:
    """One endpoint per topic group of `subscriptions`. A reconnect updates the existing rows
    (same ids, secrets and forward URLs) with the new subscription ids."""
    grouped: dict[str, list[WebhookSubscription]] = defaultdict(list)
    for subscription in subscriptions:
        grouped[topic_group(subscription.topic)].append(subscription)
    existing = {
        e.topic_group: e
        for e in session.exec(
            select(WebhookEndpoint).where(WebhookEndpoint.source_id == source.id)
        ).all()
    }
    endpoints = []
    for group, members in grouped.items():
        endpoint = existing.get(group) or WebhookEndpoint(
            organization_id=source.organization_id,
            source_id=source.id,
            provider=source.provider,
            topic_group=group,
            secret_encrypted=encrypt_secret(new_secret()),
        )
        endpoint.topics = [s.topic for s in members]
        endpoint.pos_subscription_ids = [s.subscription_id for s in members]
        session.add(endpoint)
        endpoints.append(endpoint)
    session.flush()
    return endpoints


def get_endpoint(*, session: Session, endpoint_id: str) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("No such organization or resource.")
    return endpoint


def valid_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The current secret, then the previous one while its grace period lasts."""
    valid = [decrypt_secret(endpoint.secret_encrypted)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires is not None and now < expires:
        valid.append(decrypt_secret(endpoint.previous_secret_encrypted))
    return valid


def rotate_secret(*, session: Session, endpoint: WebhookEndpoint, now: datetime) -> str:
    """A new current secret; the one it replaces stays valid for ROTATION_GRACE."""
    secret = new_secret()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_expires_at = now + ROTATION_GRACE
    endpoint.secret_encrypted = encrypt_secret(secret)
    session.add(endpoint)
    session.flush()
    return secret


def update_endpoint(
    *,
    session: Session,
    endpoint: WebhookEndpoint,
    changes: dict[str, object],
) -> WebhookEndpoint:
    """Apply a PATCH: `forward_url` (validated; None removes it) and `is_active`."""
    if "forward_url" in changes:
        url = changes["forward_url"]
        endpoint.forward_url = None if url in (None, "") else check_forward_url(str(url))
    if "is_active" in changes:
        endpoint.is_active = bool(changes["is_active"])
    session.add(endpoint)
    session.flush()
    return endpoint


def check_forward_url(url: str) -> str:
    """HTTPS to a public host; plain HTTP to this machine only outside production (tests,
    local development). Non-public addresses are refused, as literals and as what a host name
    resolves to now: the forwarder must not become a way into our internal network. (The
    forwarder checks again at every connect; this check is the early, best-effort answer.)"""
    problem = _forward_url_problem(url.strip())
    if problem:
        raise ValidationFailed(
            "The forward_url is not acceptable.",
            details=[{"field": "forward_url", "message": problem}],
        )
    return url.strip()


def _forward_url_problem(url: str) -> str | None:
    if len(url) > 2048:
        return "must be at most 2048 characters"
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        return "must be a valid URL"
    if not host or parts.username or parts.password or parts.fragment:
        return "must be a URL like https://example.com/hooks (no credentials or fragment)"
    local = host in LOCAL_HOSTS
    if local and get_settings().is_production:
        return "must point at a public host"
    if parts.scheme != "https" and not (local and parts.scheme == "http"):
        return "must use https (http is accepted only for localhost during development)"
    if local:
        return None  # this machine, outside production
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return forward_destinations.resolution_problem(host, parts.port or 443)
    if not forward_destinations.is_public_address(address):
        return "must point at a public address"
    return None


def last_deliveries(
    *, session: Session, endpoints: Sequence[WebhookEndpoint]
) -> dict[str, datetime]:
    """When a verified POS delivery for each endpoint's topics last arrived, by endpoint id.

    Computed from the receipts rather than written per delivery, so the receiver never
    contends on endpoint rows while answering the POS. Receipts past their retention are
    purged; the purge keeps the newest it deleted in the endpoint's `last_delivery_at`.
    """
    found: dict[str, datetime] = {}
    for endpoint in endpoints:
        latest = session.exec(
            select(func.max(WebhookReceipt.received_at)).where(
                WebhookReceipt.source_id == endpoint.source_id,
                WebhookReceipt.topic.in_(endpoint.topics),
            )
        ).one()
        known = [at for at in (latest, endpoint.last_delivery_at) if at is not None]
        if known:
            found[endpoint.id] = max(known)
    return found
