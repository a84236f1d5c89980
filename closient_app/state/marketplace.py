"""State of the public store page `/marketplace/[org_id]/locations/[location_id]`."""

from __future__ import annotations

import reflex as rx

from closient_app.clock import utcnow
from closient_app.db import session_scope
from closient_app.geo.points import coordinates_of
from closient_app.services import storefront
from closient_app.services.locations import stored_hours
from closient_app.state.marketplace_view import hours_rows, shelf_rows


class StorefrontState(rx.State):
    status: str = "loading"  # loading | found | missing
    name: str = ""
    address_lines: list[str] = []
    phone: str = ""
    website: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    accuracy_m: int = 0
    timezone: str = ""
    open_now: bool = False
    hours: list[dict[str, str]] = []
    shelf: list[dict[str, str]] = []

    @rx.event
    def load(self):
        """Read the store named by the URL; anything not published is 'missing'."""
        # `org_id` and `location_id` are the route's dynamic segments (vars Reflex adds).
        with session_scope() as session:
            store = storefront.published_store(
                session=session, organization_id=self.org_id, location_id=self.location_id
            )
            if store is None:
                self.status = "missing"
                return
            self._show_store(store)
            items = storefront.in_stock_shelf(session=session, location_id=store.id)
        self.shelf = shelf_rows(items, utcnow())
        self.status = "found"

    def _show_store(self, store) -> None:
        now = utcnow()
        hours = stored_hours(store)
        self.name = store.name
        street = ", ".join(part for part in (store.line1, store.line2) if part)
        town = " ".join(part for part in (store.city, store.region, store.postal_code) if part)
        self.address_lines = [line for line in (street, town, store.country) if line]
        self.phone, self.website, self.timezone = store.phone, store.website, store.timezone
        self.latitude, self.longitude = coordinates_of(store.geog) or (0.0, 0.0)
        self.accuracy_m = 0 if store.coordinates_confirmed else store.geocode_accuracy_m or 0
        self.open_now = bool(hours and hours.is_open(now))
        self.hours = hours_rows(hours, now)
