"""What every resolver can see about the request: whose shop, which app, which scopes."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError, GraphQLResolveInfo

from .catalog import Catalog
from .store import SandboxStore, ShopState

ACCESS_SCOPES_DOC = "https://shopify.dev/api/usage/access-scopes"


@dataclass
class RequestContext:
    store: SandboxStore
    shop: str
    shop_state: ShopState
    client_id: str
    scopes: frozenset[str]
    api_version: str
    base_url: str  # where this sandbox is mounted, e.g. http://host/sandbox/shopify
    bulk: bool = False  # bulk operations read whole connections, ignoring first/last

    @property
    def catalog(self) -> Catalog:
        return self.shop_state.catalog

    def has_scope(self, scope: str) -> bool:
        # A write scope includes its read scope, as on Shopify.
        return scope in self.scopes or scope.replace("read_", "write_", 1) in self.scopes


def context_of(info: GraphQLResolveInfo) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


def require_scope(info: GraphQLResolveInfo, scope: str) -> RequestContext:
    """Raise Shopify's ACCESS_DENIED error unless the token was granted `scope`."""
    context = context_of(info)
    if not context.has_scope(scope):
        required = f"`{scope}` access scope."
        raise GraphQLError(
            f"Access denied for {info.field_name} field. Required access: {required}",
            extensions={
                "code": "ACCESS_DENIED",
                "documentation": ACCESS_SCOPES_DOC,
                "requiredAccess": required,
            },
        )
    return context


def parse_scopes(scope: str) -> frozenset[str]:
    return frozenset(s.strip() for s in scope.split(",") if s.strip())
