"""Say in each OpenAPI document how to authenticate and what errors look like.

For every operation that declares `require(scope)`: the accepted credentials, the scope it needs
(`x-required-scope`), and the error envelope for 401/403/404/429; one that declares
`require_if(scope, ...)` also lists the empty requirement `{}`, as it has a public form too.
FastAPI's default 422 body (`HTTPValidationError`) is replaced by our envelope, since that is
what the API really sends.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "status", "details"],
            "properties": {
                "code": {"type": "string", "examples": ["VALIDATION_ERROR"]},
                "message": {"type": "string"},
                "status": {"type": "integer"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
                "next_step": {"type": "string", "description": "What to do about it"},
            },
        }
    },
}
SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "Bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "Access token from our OAuth server (device flow); "
        "see /.well-known/oauth-authorization-server",
    },
    "Session": {"type": "apiKey", "in": "cookie", "name": "closient_session"},
}
AUTH_ERRORS = {
    "401": "No valid credential",
    "403": "Lacks the scope or role",
    "404": "Not found, or another organization's",
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _auth_dependency(route: APIRoute) -> Any:
    """The route's `require(...)` dependency, searched recursively, or None."""
    route = getattr(route, "original_route", route)  # a RouteContext wraps an included route
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        if hasattr(dependant.call, "closient_scope"):
            return dependant.call
        stack.extend(dependant.dependencies)
    return None


def required_scope(route: APIRoute) -> tuple[bool, str | None]:
    """(protected?, scope) from the route's `require(...)` dependency."""
    dependency = _auth_dependency(route)
    return dependency is not None, getattr(dependency, "closient_scope", None)


def _public_too(route: APIRoute) -> bool:
    return getattr(_auth_dependency(route), "closient_public_too", False)


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def describe_auth_and_errors(document: dict[str, Any], routes: list) -> dict[str, Any]:
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    components["securitySchemes"] = SECURITY_SCHEMES
    for schema in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(schema, None)
    for route in routes:
        original = getattr(route, "original_route", route)
        if not isinstance(original, APIRoute) or not route.include_in_schema:
            continue
        protected, scope = required_scope(route)
        for method in route.methods:
            operation = document.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _error_response("The request is not valid: see details")
            responses["429"] = _error_response("Rate limited: see Retry-After")
            if protected:
                operation["security"] = [{name: []} for name in SECURITY_SCHEMES]
                if _public_too(route):
                    operation["security"].append({})
                operation["x-required-scope"] = scope
                for status, text in AUTH_ERRORS.items():
                    responses.setdefault(status, _error_response(text))
    return document
