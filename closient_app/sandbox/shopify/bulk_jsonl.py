"""Bulk query rules and the JSONL result: one line per node, nested connection nodes on their
own lines carrying `__parentId` (the id of the line they belong to), parents before children.

Rules (https://shopify.dev/docs/api/usage/bulk-operations/queries): at most five connections,
connections nested at most two levels deep, no top-level `node`/`nodes`, `first` ignored.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
    is_leaf_type,
    parse,
    validate,
)

from .errors import SHOPIFY_RULES
from .schema import admin_schema, is_connection_type
from .selection import SelectionWalker, response_key, returned_nodes

MAX_CONNECTIONS = 5
MAX_CONNECTION_DEPTH = 2


def bulk_query_problem(query: str) -> str | None:
    """Why Shopify would refuse this bulk query, or None."""
    schema = admin_schema()
    try:
        document = parse(query)
    except GraphQLError as error:
        return f"Invalid bulk query: {error.message}"
    errors = validate(schema, document, SHOPIFY_RULES)
    if errors:
        return f"Invalid bulk query: {errors[0].message}"
    operation = get_operation_ast(document)
    if operation is None or operation.operation != OperationType.QUERY:
        return "Bulk queries must be a single query operation"
    walker = SelectionWalker(schema, document, operation, None)
    depths = list(_connection_depths(walker, walker.root_type(), operation.selection_set, 0))
    if not depths:
        return "Bulk queries must contain at least one connection."
    if len(depths) > MAX_CONNECTIONS:
        return f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections."
    if max(depths) > MAX_CONNECTION_DEPTH:
        return (
            f"Bulk queries cannot contain connections nested more than "
            f"{MAX_CONNECTION_DEPTH} levels deep."
        )
    return None


def _connection_depths(
    walker: SelectionWalker,
    parent: GraphQLObjectType,
    selection_set: SelectionSetNode | None,
    depth: int,
) -> Any:
    for node, field in walker.fields(parent, selection_set):
        named = get_named_type(field.type)
        if is_leaf_type(named):
            continue
        assert isinstance(named, GraphQLObjectType)
        if is_connection_type(named.name):
            yield depth + 1
            for _, sel, node_type in walker.node_selections(named, node):
                yield from _connection_depths(walker, node_type, sel.selection_set, depth + 1)
        else:
            yield from _connection_depths(walker, named, node.selection_set, depth)


class JsonlWriter(SelectionWalker):
    """Flattens the data of a bulk query into JSONL lines."""

    def lines(self, data: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
        out: list[dict[str, Any]] = []
        roots = 0
        for node, field in self.fields(self.root_type(), self.operation.selection_set):
            named = get_named_type(field.type)
            value = data.get(response_key(node))
            if value is None or not isinstance(named, GraphQLObjectType):
                continue
            for path, sel, node_type in self.node_selections(named, node):
                for item in returned_nodes(value, path):
                    roots += 1
                    self._emit(node_type, sel, item, None, out)
                break  # `nodes` and `edges.node` are the same objects: write them once
        return out, roots

    def _emit(
        self,
        node_type: GraphQLObjectType,
        sel: FieldNode,
        item: dict[str, Any],
        parent_id: str | None,
        out: list[dict[str, Any]],
    ) -> None:
        slot = len(out)
        out.append({})
        line_id = item.get("id")
        line = self._inline(node_type, sel.selection_set, item, line_id, out)
        if parent_id is not None:
            line["__parentId"] = parent_id
        out[slot] = line

    def _inline(
        self,
        parent: GraphQLObjectType,
        selection_set: SelectionSetNode | None,
        value: dict[str, Any],
        line_id: str | None,
        out: list[dict[str, Any]],
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for node, field in self.fields(parent, selection_set):
            key = response_key(node)
            named = get_named_type(field.type)
            child = value.get(key)
            if is_leaf_type(named) or child is None:
                result[key] = child
                continue
            assert isinstance(named, GraphQLObjectType)
            if is_connection_type(named.name):
                for path, sel, node_type in self.node_selections(named, node):
                    for item in returned_nodes(child, path):
                        self._emit(node_type, sel, item, line_id, out)
                    break
            elif isinstance(child, list):
                result[key] = [
                    self._inline(named, node.selection_set, c, line_id, out) for c in child
                ]
            else:
                result[key] = self._inline(named, node.selection_set, child, line_id, out)
        return result


def to_jsonl(query: str, data: dict[str, Any]) -> tuple[bytes, int, int]:
    """(JSONL bytes, object count, root object count) of a bulk query's data."""
    schema = admin_schema()
    document = parse(query)
    operation = get_operation_ast(document)
    assert operation is not None
    lines, roots = JsonlWriter(schema, document, operation, None).lines(data)
    body = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    return body.encode(), len(lines), roots
