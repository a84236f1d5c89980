"""/dashboard/offers: every in-store offer, searchable and paginated, with its freshness.

Stale rows (stock not confirmed for 48 hours) are flagged: search ranks them lower, and the
fix is usually a sync, so the page says so.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from closient_app.clock import utcnow
from closient_app.components.forms import empty_state, one_line_form
from closient_app.components.layout import dashboard_page
from closient_app.components.tables import scrolling_table
from closient_app.db import session_scope
from closient_app.pages import routes
from closient_app.services.offer_table import OfferLine, offer_page
from closient_app.state.marketplace_view import CONFIDENCE_COLORS, checked_text, price_text
from closient_app.state.session import SessionState

PAGE_SIZE = 25


@dataclasses.dataclass
class OfferRow:
    product: str
    brand: str
    sku: str
    gtin: str
    store: str
    price: str
    quantity: str
    stock: str
    source: str
    confidence: str
    confidence_color: str
    checked: str
    stale: bool


def offer_row(line: OfferLine, now) -> OfferRow:
    return OfferRow(
        product=line.product,
        brand=line.brand,
        sku=line.sku,
        gtin=line.gtin,
        store=line.store,
        price=price_text(line.price_amount, line.price_currency),
        quantity="—" if line.quantity is None else str(line.quantity),
        stock=line.stock_status.replace("_", " "),
        source="POS" if line.source == "pos_sync" else "Manual",
        confidence=line.confidence,
        confidence_color=CONFIDENCE_COLORS.get(line.confidence, "gray"),
        checked=checked_text(line.last_inventory_sync, now),
        stale=line.confidence == "stale",
    )


class OffersState(SessionState):
    rows: list[OfferRow] = []
    total: int = 0
    page: int = 1
    search: str = ""
    loaded: bool = False

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.var
    def stale_on_page(self) -> int:
        return sum(1 for row in self.rows if row.stale)

    @rx.var
    def stale_text(self) -> str:
        count = self.stale_on_page
        subject = "1 offer on this page is" if count == 1 else f"{count} offers on this page are"
        return (
            f"{subject} stale: stock not confirmed for over 48 hours, so search ranks it lower. "
            "A sync from Integrations refreshes it."
        )

    def _reload(self) -> None:
        now = utcnow()
        with session_scope() as db:
            self.total, lines = offer_page(
                session=db,
                organization_id=self.active_organization_id,
                search=self.search,
                page=self.page,
                page_size=PAGE_SIZE,
                now=now,
            )
        self.rows = [offer_row(line, now) for line in lines]
        self.loaded = True

    @rx.event
    def load_page(self):
        if redirect := self._gate():
            return redirect
        self.page = 1
        self._reload()
        return None

    @rx.event
    def run_search(self, form: dict):
        self.search = str(form.get("search", "")).strip()[:200]
        self.page = 1
        self._reload()

    @rx.event
    def go_to(self, page: int):
        self.page = max(1, min(page, self.pages))
        self._reload()


S = OffersState


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.product, weight="medium"),
                rx.text(row.brand, " · SKU ", row.sku, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(row.store),
        rx.table.cell(rx.text(row.price, weight="medium"), justify="end"),
        rx.table.cell(row.quantity, justify="end"),
        rx.table.cell(rx.badge(row.stock, variant="soft")),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    row.stale,
                    rx.badge(rx.icon("triangle-alert", size=12), "Stale", color_scheme="red"),
                    rx.badge(row.confidence, color_scheme=row.confidence_color, variant="outline"),
                ),
                rx.text(row.checked, size="1", color_scheme="gray"),
                spacing="1",
            )
        ),
        rx.table.cell(row.source),
        background=rx.cond(row.stale, rx.color("red", 2), "transparent"),
        class_name="offer-row",
        data_stale=rx.cond(row.stale, "yes", "no"),
    )


def _table() -> rx.Component:
    headers = ("Product", "Store", "Price", "Qty", "Stock", "Freshness", "From")
    return scrolling_table(headers, S.rows, _row, box_id="offers-table")


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=16),
            "Previous",
            on_click=S.go_to(S.page - 1),
            disabled=S.page <= 1,
            variant="soft",
            id="offers-previous",
        ),
        rx.text(
            "Page ",
            S.page,
            " of ",
            S.pages,
            " · ",
            S.total,
            rx.cond(S.total == 1, " offer", " offers"),
            size="2",
            id="offers-page",
        ),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=16),
            on_click=S.go_to(S.page + 1),
            disabled=S.page >= S.pages,
            variant="soft",
            id="offers-next",
        ),
        align="center",
        spacing="3",
        justify="center",
        width="100%",
    )


def offers_page() -> rx.Component:
    return dashboard_page(
        "In-store offers",
        one_line_form(
            rx.input(
                name="search",
                placeholder="Search by product, brand, SKU or GTIN",
                aria_label="Search offers",
                id="offers-search",
                size="3",
                flex="1",
            ),
            rx.button(rx.icon("search", size=16), "Search", size="3"),
            on_submit=S.run_search,
        ),
        rx.cond(
            S.stale_on_page > 0,
            rx.callout(
                S.stale_text,
                icon="clock-alert",
                color_scheme="amber",
                id="stale-warning",
            ),
        ),
        rx.cond(
            S.total > 0,
            rx.vstack(_table(), _pager(), spacing="3", width="100%"),
            rx.cond(
                S.search != "",
                empty_state("search-x", "No offers match", "Try fewer or other words."),
                empty_state(
                    "package-open",
                    "No offers yet",
                    "Offers arrive with your first sync once your POS is connected.",
                    rx.link("Connect your POS", href=routes.onboarding_step(2)),
                ),
            ),
        ),
        intro="What each store has, at what price, and how recently we confirmed the stock.",
        current=routes.DASHBOARD_OFFERS,
    )
