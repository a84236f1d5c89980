"""`/locations/api/v1/locations`: store CRUD for OWNER/MANAGER, and the public nearby search."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from closient_app.api.apps import app_router
from closient_app.api.deps import WRITE_ROLES, Access, SessionDep, require
from closient_app.api.pagination import Page, PageDep
from closient_app.geo import nearby
from closient_app.schemas.common import MAX_RADIUS_KM, RadiusKm
from closient_app.schemas.locations import (
    AddressOut,
    LocationCreate,
    LocationOut,
    LocationUpdate,
    NearbyLocationOut,
)
from closient_app.services import locations as service

router = app_router("locations")
Reader = Annotated[Access, Depends(require("locations:read"))]
Writer = Annotated[Access, Depends(require("locations:write"))]
RADIUS_DOC = (
    f"Radius in km, > 0 and at most {MAX_RADIUS_KM:g}. Inclusive: a store exactly this "
    "far away is included."
)


@router.get("/locations", response_model=Page[NearbyLocationOut])
def list_nearby_locations(
    session: SessionDep,
    page: PageDep,
    lat: Annotated[float, Query(ge=-90, le=90, description="Latitude (WGS 84)")],
    lon: Annotated[float, Query(ge=-180, le=180, description="Longitude (WGS 84)")],
    radius: Annotated[RadiusKm, Query(description=RADIUS_DOC)],
) -> Page[NearbyLocationOut]:
    """Published stores within `radius` km of the point, nearest first (public, no auth)."""
    total = nearby.count_nearby(session, latitude=lat, longitude=lon, radius_km=radius)
    stores = nearby.nearby_stores(
        session,
        latitude=lat,
        longitude=lon,
        radius_km=radius,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[NearbyLocationOut].build(
        [_nearby_out(store) for store in stores], total=total, request=page
    )


@router.post("/locations", status_code=status.HTTP_201_CREATED, response_model=LocationOut)
def create_location(body: LocationCreate, session: SessionDep, access: Writer) -> LocationOut:
    """Create a store; without coordinates it is geocoded from the address."""
    access.check_org(body.organization_id, roles=WRITE_ROLES)
    location = service.create_location(session=session, data=body)
    return service.location_out(location)


@router.get("/locations/{location_id}", response_model=LocationOut)
def get_location(location_id: str, session: SessionDep, access: Reader) -> LocationOut:
    location = service.get_location(session=session, location_id=location_id)
    access.check_org(location.organization_id)
    return service.location_out(location)


@router.patch("/locations/{location_id}", response_model=LocationOut)
def update_location(
    location_id: str, body: LocationUpdate, session: SessionDep, access: Writer
) -> LocationOut:
    """Change fields; latitude+longitude place the pin by hand, and a manual pin wins."""
    location = _writable(location_id, session, access)
    location = service.update_location(session=session, location=location, changes=body)
    return service.location_out(location)


@router.delete("/locations/{location_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_location(location_id: str, session: SessionDep, access: Writer) -> Response:
    location = _writable(location_id, session, access)
    service.delete_location(session=session, location=location)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/locations/{location_id}/publish", response_model=LocationOut)
def publish_location(location_id: str, session: SessionDep, access: Writer) -> LocationOut:
    """Make the store public and searchable as soon as this request commits."""
    location = _writable(location_id, session, access)
    return service.location_out(service.publish_location(session=session, location=location))


@router.post("/locations/{location_id}/unpublish", response_model=LocationOut)
def unpublish_location(location_id: str, session: SessionDep, access: Writer) -> LocationOut:
    location = _writable(location_id, session, access)
    return service.location_out(service.unpublish_location(session=session, location=location))


def _writable(location_id: str, session: SessionDep, access: Access):
    location = service.get_location(session=session, location_id=location_id)
    access.check_org(location.organization_id, roles=WRITE_ROLES)
    return location


def _nearby_out(store: nearby.NearbyStore) -> NearbyLocationOut:
    return NearbyLocationOut(
        id=store.id,
        organization_id=store.organization_id,
        name=store.name,
        address=AddressOut(
            line1=store.line1,
            line2=store.line2,
            city=store.city,
            region=store.region,
            postal_code=store.postal_code,
            country=store.country,
        ),
        latitude=store.latitude,
        longitude=store.longitude,
        distance_km=round(store.distance_m / 1000, 4),
        url=service.public_url(store.organization_id, store.id),
    )
