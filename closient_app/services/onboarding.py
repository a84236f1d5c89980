"""Where a retailer stands in the six onboarding steps, derived from their data.

Each step is done when the database says so (a connected source, its webhook endpoints, a
finished sync, a published store, the readiness checks), so progress survives a reload, another
browser, and work done elsewhere (an agent connecting the POS, a colleague publishing a store).
Only two things are stored for the wizard itself: the POS picked in step 1 (nothing else knows
it) and the step the person last stood on, so a return visit opens where they left off.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from closient_app.clock import utcnow
from closient_app.models import (
    InventorySource,
    JobStatus,
    Location,
    LocationStatus,
    OnboardingProgress,
    SourceStatus,
    SyncJob,
    WebhookEndpoint,
)
from closient_app.services.readiness import Readiness, organization_readiness

STEP_TITLES = (
    "Pick your POS",
    "Connect",
    "Verify",
    "First sync",
    "Locations",
    "Discoverable",
)
LAST_STEP = len(STEP_TITLES)
CONNECT_STEP, VERIFY_STEP = 2, 3
LIVE_SOURCE = (SourceStatus.CONNECTED, SourceStatus.SYNCING, SourceStatus.ERROR)


@dataclass(frozen=True)
class OnboardingStatus:
    pos_choice: str | None
    stored_step: int
    source: InventorySource | None
    endpoint_count: int
    sync_finished: bool
    published_locations: int
    readiness: Readiness

    @property
    def done(self) -> tuple[bool, ...]:
        connected = self.source is not None and self.source.status in LIVE_SOURCE
        return (
            self.pos_choice == "shopify" or self.source is not None,
            connected,
            connected and self.endpoint_count > 0,
            connected and self.sync_finished,
            self.published_locations > 0,
            self.readiness.discoverable,
        )

    @property
    def first_open_step(self) -> int:
        return next((i + 1 for i, ok in enumerate(self.done) if not ok), LAST_STEP)

    @property
    def step_to_show(self) -> int:
        """The stored step, never beyond the first unfinished one; back from Shopify, verify."""
        step = min(self.stored_step, self.first_open_step)
        if step == CONNECT_STEP and self.done[CONNECT_STEP - 1]:
            return VERIFY_STEP  # the connect itself happened at Shopify: show its result
        return step


def current_source(*, session: Session, organization_id: str) -> InventorySource | None:
    """The organization's POS connection that matters: the newest live one, else the newest."""
    sources = session.exec(
        select(InventorySource)
        .where(InventorySource.organization_id == organization_id)
        .order_by(InventorySource.created.desc())
    ).all()
    live = [s for s in sources if s.status in LIVE_SOURCE]
    return (live or list(sources) or [None])[0]


def onboarding_status(*, session: Session, organization_id: str) -> OnboardingStatus:
    progress = session.get(OnboardingProgress, organization_id)
    source = current_source(session=session, organization_id=organization_id)
    endpoints = finished = 0
    if source is not None:
        endpoints = session.exec(
            select(func.count()).where(WebhookEndpoint.source_id == source.id)
        ).one()
        finished = (
            source.last_sync_at is not None
            or session.exec(
                select(func.count()).where(
                    SyncJob.source_id == source.id, SyncJob.status == JobStatus.SUCCEEDED
                )
            ).one()
        )
    published = session.exec(
        select(func.count()).where(
            Location.organization_id == organization_id,
            Location.status == LocationStatus.PUBLISHED,
        )
    ).one()
    return OnboardingStatus(
        pos_choice=progress.pos_choice if progress else None,
        stored_step=progress.current_step if progress else 1,
        source=source,
        endpoint_count=endpoints,
        sync_finished=bool(finished),
        published_locations=published,
        readiness=organization_readiness(session=session, organization_id=organization_id),
    )


def _save(session: Session, organization_id: str, **values: object) -> None:
    # An UPSERT: two tabs saving at once must not collide on the primary key.
    values = {**values, "updated": utcnow()}
    session.execute(
        insert(OnboardingProgress)
        .values(organization_id=organization_id, **values)
        .on_conflict_do_update(index_elements=["organization_id"], set_=values)
    )


def remember_step(*, session: Session, organization_id: str, step: int) -> None:
    _save(session, organization_id, current_step=max(1, min(step, LAST_STEP)))


def choose_pos(*, session: Session, organization_id: str, pos: str) -> None:
    """Step 1: Shopify moves on to connecting; anything else waits on our support team."""
    _save(session, organization_id, pos_choice=pos, current_step=2 if pos == "shopify" else 1)
