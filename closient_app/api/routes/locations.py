"""`/locations/api/v1/locations`: store CRUD for OWNER/MANAGER, an organization's stores for
its members, and the public nearby search."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from sqlmodel import Session

from closient_app.api.apps import app_router
from closient_app.api.deps import WRITE_ROLES, Access, SessionDep, require, require_if
from closient_app.api.pagination import Page, PageDep, PageRequest, paginate
from closient_app.errors import ValidationFailed
from closient_app.geo import nearby
from closient_app.models import Location
from closient_app.schemas.common import MAX_RADIUS_KM, RadiusKm
from closient_app.schemas.locations import (
    AddressOut,
    LocationCreate,
    LocationOut,
    LocationUpdate,
    NearbyLocationOut,
)
from closient_app.services import locations as service
from closient_app.services.ownership import owned_query

router = app_router("locations")
Reader = Annotated[Access, Depends(require("locations:read"))]
Writer = Annotated[Access, Depends(require("locations:write"))]
NEARBY_PARAMS = ("lat", "lon", "radius")
RADIUS_DOC = (
    f"Radius in km, > 0 and at most {MAX_RADIUS_KM:g}. Inclusive: a store exactly this "
    "far away is included. With `lat` and `lon`."
)
ORGANIZATION_DOC = (
    "List this organization's stores (drafts included) instead of searching nearby; "
    "needs a credential of a member. Not with `lat`, `lon` or `radius`."
)
BOTH = "Give either organization_id or lat, lon and radius, not both."
NEITHER = "Give lat, lon and radius to find stores nearby, or organization_id to list its stores."
NEITHER_DETAILS = [
    *(
        {"field": name, "message": "Required unless organization_id is given."}
        for name in NEARBY_PARAMS
    ),
    {"field": "organization_id", "message": "Required unless lat, lon and radius are given."},
]


def _lists_an_organization(request: Request) -> bool:
    """`organization_id` alone asks for the organization's own stores; anything else is the
    public nearby search, or a 422 that needs no credential."""
    params = request.query_params
    return "organization_id" in params and not any(name in params for name in NEARBY_PARAMS)


MemberIfListing = Annotated[
    Access | None, Depends(require_if("locations:read", _lists_an_organization))
]


@router.get("/locations", response_model=Page[NearbyLocationOut] | Page[LocationOut])
def list_locations(
    session: SessionDep,
    page: PageDep,
    access: MemberIfListing,
    lat: Annotated[float | None, Query(ge=-90, le=90, description="Latitude (WGS 84)")] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, description="Longitude (WGS 84)")] = None,
    radius: Annotated[RadiusKm | None, Query(description=RADIUS_DOC)] = None,
    organization_id: Annotated[
        str | None, Query(max_length=22, description=ORGANIZATION_DOC)
    ] = None,
) -> Page[NearbyLocationOut] | Page[LocationOut]:
    """With `lat`, `lon` and `radius`: published stores within `radius` km of the point, nearest
    first (public, no auth). With `organization_id` alone: that organization's stores, drafts
    and published, oldest first (any member, `locations:read`; another organization's is 404)."""
    if access is not None:  # `organization_id` alone
        access.check_org(organization_id)
        return paginate(session, owned_query(Location, organization_id), page, service.location_out)
    _check_nearby_query(lat, lon, radius, organization_id)
    return _nearby_page(session, page, lat, lon, radius)


def _check_nearby_query(
    lat: float | None, lon: float | None, radius: float | None, organization_id: str | None
) -> None:
    """422 for both kinds of query, neither, or only part of lat, lon and radius."""
    if organization_id is not None:  # with lat, lon or radius, else `access` would be set
        raise ValidationFailed(
            BOTH, details=[{"field": "organization_id", "message": "Not with lat, lon or radius."}]
        )
    given = {"lat": lat, "lon": lon, "radius": radius}
    if all(value is None for value in given.values()):
        raise ValidationFailed(NEITHER, details=NEITHER_DETAILS)
    missing = [name for name, value in given.items() if value is None]
    if missing:  # the same answer as when these three were required parameters
        raise RequestValidationError(
            [
                {"type": "missing", "loc": ("query", name), "msg": "Field required"}
                for name in missing
            ]
        )


def _nearby_page(
    session: Session, page: PageRequest, lat: float, lon: float, radius: float
) -> Page[NearbyLocationOut]:
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
