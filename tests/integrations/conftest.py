"""Fixtures for the POS-connect tests: async tests on asyncio, a source with encrypted tokens."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import Session

from closient_app.clock import utcnow
from closient_app.models import InventorySource, Organization, SourceStatus
from closient_app.services.crypto import encrypt_secret


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_source(
    db: Session,
    org: Organization,
    *,
    shop: str = "acme.myshopify.com",
    access_token: str | None = "shpat_old",
    refresh_token: str | None = "shprt_old",
    expires_at: datetime | None = None,
    status: SourceStatus = SourceStatus.CONNECTED,
) -> InventorySource:
    """A connected Shopify source whose tokens are stored encrypted, as the callback stores them."""
    source = InventorySource(
        organization_id=org.id,
        provider="shopify",
        shop_domain=shop,
        status=status,
        access_token_encrypted=encrypt_secret(access_token) if access_token else None,
        refresh_token_encrypted=encrypt_secret(refresh_token) if refresh_token else None,
        access_token_expires_at=expires_at,
        connected_at=utcnow(),
    )
    db.add(source)
    db.commit()
    return source
