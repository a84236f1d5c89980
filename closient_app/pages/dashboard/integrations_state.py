"""State of /dashboard/integrations (the page is integrations.py beside it).

Showing a secret, rotating it and disconnecting all ask for confirmation first. Disconnecting
calls the POS (to remove our subscriptions), so it runs as a background event.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from closient_app.clock import utcnow
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.models import InventorySource, SourceStatus, WebhookEndpoint
from closient_app.services import integration_settings as settings_service
from closient_app.services import onboarding_sync, webhook_endpoints
from closient_app.state.feedback import domain_problems, problem_text
from closient_app.state.session import NotAllowed, SessionState

CONFIRM_TEXT = {
    "reveal": (
        "Show the signing secret?",
        "Anyone who sees it can sign messages as Closient to your forward URL. Show it only "
        "where nobody is looking over your shoulder.",
        "Show secret",
    ),
    "rotate": (
        "Rotate the signing secret?",
        "A new secret signs every delivery from now on. The current one keeps working for 24 "
        "hours, so you have time to update your receiver.",
        "Rotate secret",
    ),
    "disconnect": (
        "Disconnect this store?",
        "We stop syncing and remove our subscriptions at Shopify. Your offers stay but are "
        "hidden from search as stale until you connect again.",
        "Disconnect",
    ),
}


@dataclasses.dataclass
class SourceCard:
    id: str
    shop: str
    provider: str
    status: str
    connected: str
    last_sync: str
    problem: str
    live: bool


@dataclasses.dataclass
class EndpointCard:
    id: str
    shop: str
    topics: str
    receive_url: str
    forward_url: str
    is_active: bool
    secret_last4: str
    deliveries: str


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M UTC}" if value else "Never"


def source_card(source: InventorySource) -> SourceCard:
    live = source.status not in (SourceStatus.DISCONNECTED, SourceStatus.PENDING)
    return SourceCard(
        id=source.id,
        shop=source.shop_domain,
        provider=source.provider.title(),
        status=source.status.value,
        connected=_when(source.connected_at),
        last_sync=_when(source.last_sync_at),
        problem=onboarding_sync.error_in_words(source.last_error) if source.last_error else "",
        live=live,
    )


def endpoint_card(endpoint: WebhookEndpoint, shop: str) -> EndpointCard:
    return EndpointCard(
        id=endpoint.id,
        shop=shop,
        topics=", ".join(endpoint.topics),
        receive_url=webhook_endpoints.receive_url(endpoint.provider),
        forward_url=endpoint.forward_url or "",
        is_active=endpoint.is_active,
        secret_last4=settings_service.secret_last4(endpoint),
        deliveries=f"{endpoint.deliveries_ok} ok · {endpoint.deliveries_failed} failed",
    )


class IntegrationsState(SessionState):
    sources: list[SourceCard] = []
    endpoints: list[EndpointCard] = []
    revealed: dict[str, str] = {}  # endpoint id -> secret shown after confirmation
    confirm_kind: str = ""
    confirm_id: str = ""
    error: str = ""
    notice: str = ""
    busy: bool = False

    @rx.var
    def confirm_title(self) -> str:
        return CONFIRM_TEXT.get(self.confirm_kind, ("", "", ""))[0]

    @rx.var
    def confirm_text(self) -> str:
        return CONFIRM_TEXT.get(self.confirm_kind, ("", "", ""))[1]

    @rx.var
    def confirm_action(self) -> str:
        return CONFIRM_TEXT.get(self.confirm_kind, ("", "", ""))[2]

    def _reload(self) -> None:
        with session_scope() as db:
            org = self.active_organization_id
            sources = settings_service.sources_of(session=db, organization_id=org)
            shops = {s.id: s.shop_domain for s in sources}
            self.sources = [source_card(s) for s in sources]
            self.endpoints = [
                endpoint_card(e, shops.get(e.source_id, ""))
                for e in settings_service.endpoints_of(session=db, organization_id=org)
            ]

    @rx.event
    def load_page(self):
        self.revealed, self.error, self.notice = {}, "", ""
        self.confirm_kind = self.confirm_id = ""
        if redirect := self._gate():
            return redirect
        self._reload()
        return None

    @rx.event
    def ask(self, kind: str, target_id: str):
        self.confirm_kind, self.confirm_id = kind, target_id

    @rx.event
    def cancel(self):
        self.confirm_kind = self.confirm_id = ""

    @rx.event
    def confirm(self):
        kind, target = self.confirm_kind, self.confirm_id
        self.confirm_kind = self.confirm_id = ""
        if kind == "disconnect":
            return IntegrationsState.disconnect(target)
        self._endpoint_action(kind, target)
        return None

    def _endpoint_action(self, kind: str, endpoint_id: str) -> None:
        self.error = self.notice = ""
        try:
            access = self._access()
            with session_scope() as db:
                endpoint = settings_service.own_endpoint(
                    session=db, organization_id=access.organization_id, endpoint_id=endpoint_id
                )
                if kind == "rotate":
                    secret = webhook_endpoints.rotate_secret(
                        session=db, endpoint=endpoint, now=utcnow()
                    )
                    self.notice = "New secret made. The previous one keeps working for 24 hours."
                else:
                    secret = settings_service.current_secret(endpoint)
        except (NotAllowed, ApiError) as exc:
            self.error = problem_text(exc)
            return
        self.revealed = {**self.revealed, endpoint_id: secret}
        self._reload()

    @rx.event
    def hide_secret(self, endpoint_id: str):
        self.revealed = {k: v for k, v in self.revealed.items() if k != endpoint_id}

    @rx.event
    def save_forward_url(self, form: dict):
        self.error = self.notice = ""
        try:
            access = self._access()
            with session_scope() as db:
                endpoint = settings_service.own_endpoint(
                    session=db,
                    organization_id=access.organization_id,
                    endpoint_id=str(form.get("endpoint_id", "")),
                )
                webhook_endpoints.update_endpoint(
                    session=db,
                    endpoint=endpoint,
                    changes={"forward_url": str(form.get("forward_url", "")).strip()},
                )
        except NotAllowed as exc:
            self.error = str(exc)
            return
        except ApiError as exc:
            message, fields = domain_problems(exc)
            self.error = f"{message} The address {fields.get('forward_url', '')}."
            return
        self.notice = (
            "Forward URL saved: we sign each event we forward with this endpoint's secret."
        )
        self._reload()

    @rx.event
    def sync_now(self, source_id: str):
        self.error = self.notice = ""
        try:
            access = self._access()
            with session_scope() as db:
                source = settings_service.own_source(
                    session=db, organization_id=access.organization_id, source_id=source_id
                )
                onboarding_sync.sync_now(session=db, source=source)
        except (NotAllowed, ApiError) as exc:
            self.error = problem_text(exc)
            return
        self.notice = "Sync started. Follow it on the First sync step of Get discoverable."

    @rx.event(background=True)
    async def disconnect(self, source_id: str):
        async with self:
            self.error = self.notice = ""
            try:
                access = self._access()
            except NotAllowed as exc:
                self.error = str(exc)
                return
            self.busy = True
        try:
            await settings_service.disconnect(
                organization_id=access.organization_id, source_id=source_id
            )
        except ApiError as exc:
            async with self:
                self.error, self.busy = domain_problems(exc)[0], False
            return
        async with self:
            self.busy = False
            self.notice = "Disconnected. Connect again any time from Get discoverable, step 2."
            self._reload()
