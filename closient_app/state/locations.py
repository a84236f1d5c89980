"""Reviewing, adding, pinning and publishing stores: shared by wizard step 5 and the
locations dashboard. Every write checks the role again; geocoding runs in a background task
(a configured geocoder may take seconds) so the page never freezes.
"""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from closient_app.db import session_scope
from closient_app.errors import ApiError
from closient_app.geo.points import coordinates_of
from closient_app.models import Location
from closient_app.pages import routes
from closient_app.services import store_locations
from closient_app.state.feedback import domain_problems
from closient_app.state.onboarding import OnboardingState
from closient_app.state.session import NotAllowed, SessionState

FORM_FIELDS = ("name", "line1", "city", "region", "postal_code", "country", "phone", "website")
UNPLACEABLE = (
    "We could not find this address on the map. Check the city and the postal code; the pin "
    "can be moved by hand once the store is added."
)
# Every field the form can show an error under, so the page never reads a missing key.
NO_FIELD_ERRORS = {name: "" for name in (*FORM_FIELDS, "hours", "latitude", "longitude")}


@dataclasses.dataclass
class LocationView:
    id: str = ""
    name: str = ""
    address: str = ""
    published: bool = False
    has_pin: bool = False
    latitude: float = 0.0
    longitude: float = 0.0
    accuracy_m: int = 0
    pin_text: str = ""
    from_pos: bool = False
    public_path: str = ""


def location_view(location: Location) -> LocationView:
    point = coordinates_of(location.geog)
    street = ", ".join(p for p in (location.line1, location.city, location.region) if p)
    unconfirmed = not location.coordinates_confirmed
    return LocationView(
        id=location.id,
        name=location.name,
        address=" ".join(p for p in (street, location.postal_code) if p),
        published=store_locations.is_published(location),
        has_pin=point is not None,
        latitude=point[0] if point else 0.0,
        longitude=point[1] if point else 0.0,
        accuracy_m=(location.geocode_accuracy_m or 0) if unconfirmed else 0,
        pin_text=store_locations.pin_description(location),
        from_pos=location.source_id is not None,
        public_path=routes.marketplace_location(location.organization_id, location.id),
    )


def store_form(form: dict) -> store_locations.StoreForm:
    hours = tuple(
        (key, form.get(f"{key}_opens", ""), form.get(f"{key}_closes", ""))
        for key, _ in store_locations.HOURS_ROWS
    )
    return store_locations.StoreForm(
        **{name: str(form.get(name, "")).strip() for name in FORM_FIELDS}, hours=hours
    )


def _add_store(organization_id: str, form: store_locations.StoreForm) -> str:
    with session_scope() as db:
        return store_locations.add_store(session=db, organization_id=organization_id, form=form).id


class LocationsState(SessionState):
    stores: list[LocationView] = []
    selected_id: str = ""
    loaded: bool = False
    error: str = ""
    notice: str = ""
    adding: bool = False
    add_busy: bool = False
    add_error: str = ""
    add_field_errors: dict[str, str] = NO_FIELD_ERRORS

    @rx.var
    def selected(self) -> LocationView:
        return next((s for s in self.stores if s.id == self.selected_id), LocationView())

    @rx.var
    def published_count(self) -> int:
        return sum(1 for s in self.stores if s.published)

    @rx.var
    def unpublished_names(self) -> str:
        return ", ".join(s.name for s in self.stores if not s.published)

    @rx.var
    def needs_nudge(self) -> bool:
        """A multi-store retailer with a store shoppers nearby cannot find yet."""
        return len(self.stores) > 1 and any(not s.published for s in self.stores)

    def _reload(self) -> None:
        with session_scope() as db:
            rows = store_locations.list_locations(
                session=db, organization_id=self.active_organization_id
            )
            self.stores = [location_view(row) for row in rows]
        if self.selected_id not in {s.id for s in self.stores}:
            unpublished = [s.id for s in self.stores if not s.published]
            self.selected_id = (unpublished or [s.id for s in self.stores] or [""])[0]
        self.loaded = True

    @rx.event
    def load_locations(self):
        self.error = self.notice = ""
        self.adding = False
        if self.active_organization_id:
            self._reload()
        self.adding = not self.stores and self.can_manage

    @rx.event
    def load_page(self):
        """The dashboard page's loader: the account first, then the stores."""
        if redirect := self._gate():
            return redirect
        return LocationsState.load_locations

    @rx.event
    def select(self, location_id: str):
        self.selected_id = location_id
        self.adding = False
        self.error = self.notice = ""

    def _write(self, change, done: str):
        """Run `change(db, location)` on the selected store for an Owner or Manager."""
        self.error = self.notice = ""
        try:
            access = self._access()
            with session_scope() as db:
                location = store_locations.own_location(
                    session=db,
                    organization_id=access.organization_id,
                    location_id=self.selected_id,
                )
                change(db, location)
        except (NotAllowed, ApiError) as exc:
            self.error = str(exc) if isinstance(exc, NotAllowed) else domain_problems(exc)[0]
            return None
        self.notice = done
        self._reload()
        return OnboardingState.refresh_status

    @rx.event
    def pin_moved(self, latitude: float, longitude: float):
        return self._save_pin(latitude, longitude)

    def _save_pin(self, latitude: float, longitude: float):
        return self._write(
            lambda db, loc: store_locations.move_pin(
                session=db, location=loc, latitude=latitude, longitude=longitude
            ),
            f"Pin saved at {latitude:.5f}, {longitude:.5f}.",
        )

    @rx.event
    def type_coordinates(self, form: dict):
        try:
            latitude, longitude = float(form["latitude"]), float(form["longitude"])
        except (KeyError, ValueError):
            self.error = "Enter the latitude and longitude as numbers, like 44.97790 and -93.26500."
            return None
        return self._save_pin(latitude, longitude)

    @rx.event
    def publish(self):
        name = self.selected.name
        return self._write(
            lambda db, loc: store_locations.confirm_and_publish(session=db, location=loc),
            f"{name} is published: shoppers nearby can find it now.",
        )

    @rx.event
    def unpublish(self):
        name = self.selected.name
        return self._write(
            lambda db, loc: store_locations.unpublish(session=db, location=loc),
            f"{name} is hidden from shoppers again.",
        )

    @rx.event
    def open_add_form(self):
        self.adding = True
        self.add_error = ""
        self.add_field_errors = NO_FIELD_ERRORS

    @rx.event
    def close_add_form(self):
        self.adding = False

    @rx.event(background=True)
    async def add_store(self, form: dict):
        async with self:
            try:
                access = self._access()
            except NotAllowed as exc:
                self.add_error = str(exc)
                return
            self.add_busy, self.add_error, self.add_field_errors = True, "", NO_FIELD_ERRORS
        try:
            new_id = await asyncio.to_thread(_add_store, access.organization_id, store_form(form))
        except ApiError as exc:
            async with self:
                self.add_error, fields = domain_problems(exc)
                if "latitude" in fields:  # the geocoder could not place the address
                    self.add_error = UNPLACEABLE
                self.add_field_errors = {**NO_FIELD_ERRORS, **fields}
                self.add_busy = False
            return
        async with self:
            self.add_busy = self.adding = False
            self.selected_id = new_id
            self._reload()
            self.notice = "Store added as a draft. Check its pin, then publish it."
        yield OnboardingState.refresh_status
