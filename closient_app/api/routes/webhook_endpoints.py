"""`/integrations/api/v1/webhooks/endpoints/`: list, detail with secret, PATCH, rotate-secret.

Paths are served with and without the trailing slash (the contract writes `endpoints/` and
`rotate-secret/`; clients drop slashes), and rotate-secret also at the seed's unprefixed
`/webhooks/endpoints/{endpoint_id}/rotate-secret/`. The detail reveals the secret, so it needs
OWNER or MANAGER like every write; listing needs any role with `integrations:read`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from closient_app.api.apps import app_router
from closient_app.api.deps import WRITE_ROLES, Access, SessionDep, require
from closient_app.api.pagination import Page, PageDep, paginate
from closient_app.clock import utcnow
from closient_app.errors import ValidationFailed
from closient_app.models import WebhookEndpoint
from closient_app.schemas.integrations import (
    EndpointDetail,
    EndpointOut,
    EndpointPatch,
    RotatedEndpoint,
)
from closient_app.services import webhook_endpoints as service
from closient_app.services.crypto import decrypt_secret
from closient_app.services.ownership import owned_query

router = app_router("integrations")
unprefixed = APIRouter(tags=["integrations"])
Reader = Annotated[Access, Depends(require("integrations:read"))]
Writer = Annotated[Access, Depends(require("integrations:write"))]
ENDPOINTS = "/webhooks/endpoints"


def target_organization(access: Access, organization_id: str | None) -> str:
    """The organization named, else the one the credential is bound to (an API key's)."""
    chosen = organization_id or access.caller.bound_organization_id
    if not chosen:
        raise ValidationFailed(
            "Say which organization: add ?organization_id=.",
            details=[{"field": "organization_id", "message": "required for this credential"}],
        )
    return chosen


@router.get(ENDPOINTS + "/", response_model=Page[EndpointOut])
@router.get(ENDPOINTS, response_model=Page[EndpointOut], include_in_schema=False)
def list_endpoints(
    session: SessionDep,
    access: Reader,
    page: PageDep,
    organization_id: Annotated[str | None, Query(max_length=22)] = None,
    source_id: Annotated[str | None, Query(max_length=22)] = None,
) -> Page[EndpointOut]:
    """Webhook endpoints of the organization; count == 0 after a connect means it failed."""
    org_id = target_organization(access, organization_id)
    access.check_org(org_id)
    of_source = [WebhookEndpoint.source_id == source_id] if source_id else []
    query = owned_query(WebhookEndpoint, org_id, *of_source)
    listed = paginate(session, query, page, lambda endpoint: endpoint)
    seen = service.last_deliveries(session=session, endpoints=listed.data)
    listed.data = [_view(e, EndpointOut, last=seen.get(e.id)) for e in listed.data]
    return listed


@router.get(ENDPOINTS + "/{endpoint_id}", response_model=EndpointDetail)
@router.get(ENDPOINTS + "/{endpoint_id}/", response_model=EndpointDetail, include_in_schema=False)
def get_endpoint(endpoint_id: str, session: SessionDep, access: Reader) -> EndpointDetail:
    """One endpoint with its `secret` (whsec_...) for verifying forwarded events."""
    endpoint = _endpoint(session, access, endpoint_id)
    return _detail(session, endpoint, EndpointDetail)


@router.patch(ENDPOINTS + "/{endpoint_id}", response_model=EndpointDetail)
@router.patch(ENDPOINTS + "/{endpoint_id}/", response_model=EndpointDetail, include_in_schema=False)
def update_endpoint(
    endpoint_id: str, body: EndpointPatch, session: SessionDep, access: Writer
) -> EndpointDetail:
    """Set `forward_url` (https; null removes it) and/or `is_active` (false pauses forwards)."""
    endpoint = _endpoint(session, access, endpoint_id)
    service.update_endpoint(
        session=session, endpoint=endpoint, changes=body.model_dump(exclude_unset=True)
    )
    session.commit()  # visible before the answer (SessionDep commits after it is sent)
    return _detail(session, endpoint, EndpointDetail)


def rotate_endpoint_secret(
    endpoint_id: str, session: SessionDep, access: Writer
) -> RotatedEndpoint:
    """A new secret; the previous one keeps signing forwards (as a second v1) for 24 hours."""
    endpoint = _endpoint(session, access, endpoint_id)
    service.rotate_secret(session=session, endpoint=endpoint, now=utcnow())
    session.commit()  # the new secret must be in force once the caller has it
    return _detail(
        session,
        endpoint,
        RotatedEndpoint,
        previous_secret_expires_at=endpoint.previous_secret_expires_at,
    )


for _router, _path, _shown in (
    (router, ENDPOINTS + "/{endpoint_id}/rotate-secret/", True),
    (router, ENDPOINTS + "/{endpoint_id}/rotate-secret", False),
    (unprefixed, ENDPOINTS + "/{endpoint_id}/rotate-secret/", False),
    (unprefixed, ENDPOINTS + "/{endpoint_id}/rotate-secret", False),
):
    _router.add_api_route(
        _path,
        rotate_endpoint_secret,
        methods=["POST"],
        response_model=RotatedEndpoint,
        include_in_schema=_shown,
        summary="Rotate the endpoint's secret",
    )


def _endpoint(session, access: Access, endpoint_id: str) -> WebhookEndpoint:
    endpoint = service.get_endpoint(session=session, endpoint_id=endpoint_id)
    access.check_org(endpoint.organization_id, roles=WRITE_ROLES)
    return endpoint


def _detail(session, endpoint: WebhookEndpoint, shape, **extra):
    last = service.last_deliveries(session=session, endpoints=[endpoint]).get(endpoint.id)
    secret = decrypt_secret(endpoint.secret_encrypted)
    return _view(endpoint, shape, last=last, secret=secret, **extra)


def _view(endpoint: WebhookEndpoint, shape, *, last, **extra):
    return shape(
        id=endpoint.id,
        organization_id=endpoint.organization_id,
        source_id=endpoint.source_id,
        provider=endpoint.provider,
        topics=endpoint.topics,
        receive_url=service.receive_url(endpoint.provider),
        forward_url=endpoint.forward_url,
        is_active=endpoint.is_active,
        secret_last4=decrypt_secret(endpoint.secret_encrypted)[-4:],
        created=endpoint.created,
        last_delivery_at=last,
        deliveries_ok=endpoint.deliveries_ok,
        deliveries_failed=endpoint.deliveries_failed,
        **extra,
    )
