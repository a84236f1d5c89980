"""Account app: who am I, organizations, and their members."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from closient_app.api.apps import app_router
from closient_app.api.deps import WRITE_ROLES, Access, require
from closient_app.api.pagination import Page, PageDep, paginate
from closient_app.errors import Forbidden
from closient_app.models import Organization, Role, User
from closient_app.schemas.accounts import (
    MemberAdd,
    MemberOut,
    MemberUpdate,
    OrganizationCreate,
    OrganizationOut,
    UserOut,
    WhoAmI,
)
from closient_app.services import accounts, memberships

router = app_router("account")

AnyCaller = Annotated[Access, Depends(require())]
OrgRead = Annotated[Access, Depends(require("org:read"))]
OrgWrite = Annotated[Access, Depends(require("org:write"))]


@router.get("/whoami", summary="Who is calling: user, organizations with roles, scopes")
def whoami(access: AnyCaller) -> WhoAmI:
    caller, session = access.caller, access.session
    user = session.get(User, caller.user_id) if caller.user_id else None
    if user is None:  # an API key: its own organization, with the key's role
        org = session.get(Organization, caller.key_organization_id)
        organizations = [OrganizationOut.of(org, caller.key_role)] if org else []
    else:
        organizations = [
            OrganizationOut.of(org, role)
            for org, role in accounts.organizations_of(session=session, user_id=user.id)
            if caller.bound_organization_id in (None, org.id)
        ]
    return WhoAmI(
        kind=caller.kind,
        user=UserOut.of(user) if user else None,
        organizations=organizations,
        scopes=sorted(caller.scopes),
        api_key_id=caller.api_key_id,
        bound_organization_id=caller.bound_organization_id,
    )


@router.post(
    "/organizations",
    status_code=201,
    summary="Create an organization; you become its OWNER",
    description="Needs a user credential (session or bearer token): API keys belong to one "
    "organization. A token bound to one organization cannot create others.",
)
def create_organization(body: OrganizationCreate, access: OrgWrite) -> OrganizationOut:
    user_id = access.require_user("create organizations")
    access.check_scope()
    if access.caller.bound_organization_id:
        raise Forbidden(
            "This token is bound to one organization and cannot create others.",
            next_step="Start the device flow again and choose no specific organization.",
        )
    owner = access.session.get(User, user_id)
    org = accounts.create_organization(
        session=access.session, name=body.name, country=body.country, owner=owner
    )
    return OrganizationOut.of(org, Role.OWNER)


@router.get("/organizations/{org_id}", summary="One organization you belong to")
def get_organization(org_id: str, access: OrgRead) -> OrganizationOut:
    role = access.check_org(org_id)
    return OrganizationOut.of(access.session.get(Organization, org_id), role)


@router.get("/organizations/{org_id}/members", summary="Members and their roles")
def list_members(org_id: str, access: OrgRead, page: PageDep) -> Page[MemberOut]:
    access.check_org(org_id)
    query = memberships.members_query(org_id)
    return paginate(access.session, query, page, lambda row: MemberOut.of(*row))


@router.post(
    "/organizations/{org_id}/members",
    status_code=201,
    summary="Add an existing user as a member (OWNER or MANAGER)",
)
def add_member(org_id: str, body: MemberAdd, access: OrgWrite) -> MemberOut:
    acting = access.check_org(org_id, roles=WRITE_ROLES)
    member = memberships.add_member(
        session=access.session,
        organization_id=org_id,
        email=body.email,
        role=body.role,
        acting_role=acting,
    )
    return MemberOut.of(member, access.session.get(User, member.user_id))


@router.put(
    "/organizations/{org_id}/members/{member_id}",
    summary="Change a member's role; an organization always keeps one OWNER",
)
def change_member_role(
    org_id: str, member_id: str, body: MemberUpdate, access: OrgWrite
) -> MemberOut:
    acting = access.check_org(org_id, roles=WRITE_ROLES)
    member = memberships.get_member(
        session=access.session, organization_id=org_id, member_id=member_id
    )
    memberships.change_role(
        session=access.session, member=member, role=body.role, acting_role=acting
    )
    return MemberOut.of(member, access.session.get(User, member.user_id))


@router.delete(
    "/organizations/{org_id}/members/{member_id}",
    status_code=204,
    summary="Remove a member; the last OWNER cannot be removed",
)
def remove_member(org_id: str, member_id: str, access: OrgWrite) -> Response:
    acting = access.check_org(org_id, roles=WRITE_ROLES)
    member = memberships.get_member(
        session=access.session, organization_id=org_id, member_id=member_id
    )
    memberships.remove_member(session=access.session, member=member, acting_role=acting)
    return Response(status_code=204)
