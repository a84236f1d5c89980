"""Account app: an organization's API keys (OWNER and MANAGER only). The key is shown once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from closient_app.api.apps import app_router
from closient_app.api.deps import WRITE_ROLES, Access, require
from closient_app.api.pagination import Page, PageDep, paginate
from closient_app.errors import Forbidden
from closient_app.models import Role
from closient_app.schemas.accounts import ApiKeyCreate, ApiKeyCreated, ApiKeyOut, ApiKeyUpdate
from closient_app.services import accounts, organization_keys

router = app_router("account")

OrgRead = Annotated[Access, Depends(require("org:read"))]
OrgWrite = Annotated[Access, Depends(require("org:write"))]
KEYS = "/organizations/{org_id}/api-keys"


@router.get(KEYS, summary="The organization's API keys (never the keys themselves)")
def list_api_keys(org_id: str, access: OrgRead, page: PageDep) -> Page[ApiKeyOut]:
    access.check_org(org_id, roles=WRITE_ROLES)
    return paginate(access.session, organization_keys.keys_query(org_id), page, ApiKeyOut.of)


@router.post(KEYS, status_code=201, summary="Create an API key; the response shows it once")
def create_api_key(org_id: str, body: ApiKeyCreate, access: OrgWrite) -> ApiKeyCreated:
    acting = access.check_org(org_id, roles=WRITE_ROLES)
    organization_keys.check_grant(
        acting_role=acting, acting_scopes=access.caller.scopes, **body.model_dump(exclude={"name"})
    )
    issued = accounts.issue_api_key(
        session=access.session,
        organization_id=org_id,
        name=body.name,
        role=body.role,
        scopes=tuple(dict.fromkeys(body.scopes)),
        created_by_user_id=access.caller.user_id,
        expires_at=body.expires_at,
        rate_limit_per_minute=body.rate_limit_per_minute,
        rate_limit_per_day=body.rate_limit_per_day,
    )
    return ApiKeyCreated(**ApiKeyOut.of(issued.record).model_dump(), key=issued.key)


@router.patch(
    KEYS + "/{key_id}",
    summary="Rename, re-scope, revoke (is_active false) or change a key's expiry and limits",
)
def update_api_key(org_id: str, key_id: str, body: ApiKeyUpdate, access: OrgWrite) -> ApiKeyOut:
    acting = access.check_org(org_id, roles=WRITE_ROLES)
    record = organization_keys.get_key(
        session=access.session, organization_id=org_id, key_id=key_id
    )
    _only_owner_touches_owner_keys(acting, record.role)
    changes = body.model_dump(exclude_unset=True)
    organization_keys.check_grant(
        acting_role=acting,
        acting_scopes=access.caller.scopes,
        **{k: v for k, v in changes.items() if k not in ("name", "is_active")},
    )
    organization_keys.update_key(session=access.session, record=record, changes=changes)
    return ApiKeyOut.of(record)


@router.delete(KEYS + "/{key_id}", status_code=204, summary="Delete a key for good")
def delete_api_key(org_id: str, key_id: str, access: OrgWrite) -> Response:
    acting = access.check_org(org_id, roles=WRITE_ROLES)
    record = organization_keys.get_key(
        session=access.session, organization_id=org_id, key_id=key_id
    )
    _only_owner_touches_owner_keys(acting, record.role)
    organization_keys.delete_key(session=access.session, record=record)
    return Response(status_code=204)


def _only_owner_touches_owner_keys(acting: Role, key_role: Role) -> None:
    if key_role == Role.OWNER and acting != Role.OWNER:
        raise Forbidden("Only an OWNER can change or delete an OWNER key.")
