"""Shopify's error bodies for the Admin API, and its wording of an unknown-field error."""

from __future__ import annotations

import uuid
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    ValidationRule,
    get_named_type,
    is_object_type,
    specified_rules,
)
from graphql.validation.rules.fields_on_correct_type import FieldsOnCorrectTypeRule

RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"
INVALID_TOKEN = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}
MISSING_QUERY = {"errors": {"query": "Required parameter missing or invalid"}}
SERVER_ERROR = {"errors": "Internal Server Error"}


def throttled_error() -> dict[str, Any]:
    return {
        "message": "Throttled",
        "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC},
    }


def max_cost_error(cost: int, max_cost: int) -> dict[str, Any]:
    return {
        "message": (
            f"Query cost is {cost}, which exceeds the single query max cost limit ({max_cost}).\n"
            "\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on "
            "how the\ncost of a query is calculated.\n\nTo query larger amounts of data with "
            "fewer limits, bulk operations should be used instead.\nSee "
            "https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage "
            "details.\n"
        ),
        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": max_cost},
    }


def internal_error() -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    return {
        "message": "Internal error. Looks like something went wrong on our end.\n"
        f"Request ID: {request_id} (include this in support requests).",
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    }


class ShopifyFieldsOnCorrectTypeRule(ValidationRule):
    """Unknown fields, worded as Shopify's graphql-ruby server words them."""

    def enter_field(
        self, node: FieldNode, _key: Any, _parent: Any, _path: Any, ancestors: list[Any]
    ) -> None:
        parent_type = self.context.get_parent_type()
        if parent_type is None or not is_object_type(get_named_type(parent_type)):
            return
        if self.context.get_field_def() is not None:  # known, including __typename & co.
            return
        name = node.name.value
        type_name = get_named_type(parent_type).name
        self.report_error(
            GraphQLError(
                f"Field '{name}' doesn't exist on type '{type_name}'",
                node,
                path=[*_ancestor_path(ancestors), name],
                extensions={"code": "undefinedField", "typeName": type_name, "fieldName": name},
            )
        )


def _ancestor_path(ancestors: list[Any]) -> list[str]:
    path: list[str] = []
    for ancestor in ancestors:
        if isinstance(ancestor, OperationDefinitionNode):
            label = ancestor.operation.value
            path.append(f"{label} {ancestor.name.value}" if ancestor.name else label)
        elif isinstance(ancestor, FieldNode):
            path.append(ancestor.name.value)
    return path


SHOPIFY_RULES = tuple(
    ShopifyFieldsOnCorrectTypeRule if rule is FieldsOnCorrectTypeRule else rule
    for rule in specified_rules
)
