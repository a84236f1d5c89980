"""State of step 6 (discoverable.py draws it): readiness checks and the search preview."""

from __future__ import annotations

import dataclasses

import reflex as rx

from closient_app.clock import utcnow
from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.geo.points import coordinates_of
from closient_app.pages import routes
from closient_app.services import search_preview
from closient_app.services.readiness import organization_readiness
from closient_app.services.store_locations import own_location
from closient_app.state.feedback import domain_problems
from closient_app.state.marketplace_view import checked_text, price_text
from closient_app.state.onboarding import OnboardingState

CHECK_WORDS = {
    "pos_connected": (
        "Your POS is connected",
        "Connect your POS so your stock stays fresh on its own.",
        2,
    ),
    "location_published": (
        "A store is published",
        "Publish at least one store so shoppers nearby can find it.",
        5,
    ),
    "in_stock_offer": (
        "Something is in stock at a published store",
        "Nothing in stock at a published store yet: wait for the sync to finish, and check "
        "that the stores in your POS are the ones you published.",
        4,
    ),
}


@dataclasses.dataclass
class CheckView:
    key: str
    label: str
    ok: bool
    help: str
    step: int


@dataclasses.dataclass
class OwnStore:
    id: str
    name: str
    path: str
    latitude: float
    longitude: float


@dataclasses.dataclass
class PreviewHit:
    product: str
    brand: str
    store: str
    distance: str
    price: str
    stock: str
    checked: str
    is_own: bool
    latitude: float
    longitude: float
    name: str  # the store's name, for the map's tooltip


class DiscoverableStepState(OnboardingState):
    checks: list[CheckView] = []
    own_stores: list[OwnStore] = []
    store_index: int = 0
    query: str = ""
    results: list[PreviewHit] = []
    searched: bool = False
    search_error: str = ""

    @rx.var
    def store(self) -> OwnStore:
        if not self.own_stores:
            return OwnStore("", "", "", 0.0, 0.0)
        return self.own_stores[min(self.store_index, len(self.own_stores) - 1)]

    @rx.var
    def own_hits(self) -> int:
        return sum(1 for hit in self.results if hit.is_own)

    @rx.var
    def map_points(self) -> list[list[float]]:
        """Every other store, and its mirror image through ours: framing them all keeps our
        store in the centre of the map."""
        lat, lon = self.store.latitude, self.store.longitude
        points = [[lat, lon]]
        for hit in self.results:
            if not hit.is_own:
                points += [[hit.latitude, hit.longitude]]
                points += [[2 * lat - hit.latitude, 2 * lon - hit.longitude]]
        return points

    @rx.event
    def load_step(self):
        with session_scope() as db:
            org_id = self.active_organization_id
            readiness = organization_readiness(session=db, organization_id=org_id)
            stores = search_preview.published_stores(session=db, organization_id=org_id)
            suggestion = search_preview.suggested_query(session=db, organization_id=org_id)
        checks = readiness.checks.model_dump()
        self.checks = [
            CheckView(key, words[0], bool(checks[key]), words[1], words[2])
            for key, words in CHECK_WORDS.items()
        ]
        self.own_stores = [
            OwnStore(s.id, s.name, routes.marketplace_location(s.organization_id, s.id), *point)
            for s in stores
            if (point := coordinates_of(s.geog))
        ]
        self.query = self.query or suggestion
        self.results, self.searched, self.search_error = [], False, ""

    @rx.event
    def choose_store(self, index: str):
        self.store_index = int(index)
        self.results, self.searched = [], False

    @rx.event
    def search(self, form: dict):
        self.query = str(form.get("query", "")).strip()
        self.search_error = ""
        if not self.query:
            self.search_error = "Type the name of a product you sell, like 'cordless drill'."
            return
        if not self.own_stores:
            self.search_error = "Publish a store first: the preview searches from its door."
            return
        try:
            with session_scope() as db:
                store = self._own_store(db)
                found = search_preview.search_near_store(session=db, store=store, query=self.query)
        except ApiError as exc:
            self.search_error = domain_problems(exc)[0]
            return
        self.results = [self._hit_view(hit, found.coordinates) for hit in found.hits]
        self.searched = True

    def _own_store(self, db):
        return own_location(
            session=db, organization_id=self.active_organization_id, location_id=self.store.id
        )

    def _hit_view(self, hit, coordinates) -> PreviewHit:
        latitude, longitude = coordinates.get(hit.store.id, (0.0, 0.0))
        return PreviewHit(
            product=hit.product.name,
            brand=hit.product.brand,
            store=hit.store.name,
            distance=f"{hit.store.distance_km:.1f} km",
            price=price_text(hit.offer.price.amount, hit.offer.price.currency),
            stock=hit.offer.stock_status.replace("_", " "),
            checked=checked_text(hit.offer.last_checked_at, utcnow()),
            is_own=hit.store.organization_id == self.active_organization_id,
            latitude=latitude,
            longitude=longitude,
            name=hit.store.name,
        )
