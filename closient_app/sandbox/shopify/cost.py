"""Calculated query cost, as documented at
https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits ("Cost calculation"):

- a field returning a scalar or an enum costs 0; an object costs 1;
- a connection costs 2 plus, for each object its `first`/`last` asks for, the cost of one node
  (the node object's 1 plus its own selection): `products(first: 10) { nodes { title } }` = 12.
  (Shopify engineering, "Rate Limiting GraphQL APIs by Calculating Query Complexity":
  "connections: two points plus the number of returned objects".) `pageInfo`/`cursor` are free;
- a mutation field costs 10.

The requested cost is computed from the document before execution; the actual cost walks the
returned data the same way, counting the nodes really returned; the difference is refunded.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.values import get_argument_values

from .schema import is_connection_type
from .selection import SelectionWalker, response_key, returned_nodes

OBJECT_COST = 1
CONNECTION_COST = 2
MUTATION_COST = 10


class QueryCost(SelectionWalker):
    """Requested and actual cost of one operation of a validated document."""

    def requested(self) -> int:
        if self.operation.operation == OperationType.MUTATION:
            return MUTATION_COST * self._mutation_count()
        return self._selection(self.root_type(), self.operation.selection_set)

    def actual(self, data: dict[str, Any] | None) -> int:
        if self.operation.operation == OperationType.MUTATION:
            return MUTATION_COST * self._mutation_count()
        if data is None:
            return 0
        return self._returned(self.root_type(), self.operation.selection_set, data)

    def _mutation_count(self) -> int:
        return sum(
            1
            for node in self.operation.selection_set.selections
            if isinstance(node, FieldNode) and not node.name.value.startswith("__")
        )

    def _selection(self, parent: GraphQLObjectType, selection_set: SelectionSetNode | None) -> int:
        return sum(self._field(node, field) for node, field in self.fields(parent, selection_set))

    def _field(self, node: FieldNode, field: GraphQLField) -> int:
        named = get_named_type(field.type)
        if is_leaf_type(named):
            return 0
        assert isinstance(named, GraphQLObjectType)
        if is_connection_type(named.name):
            args = get_argument_values(field, node, self.variables)
            size = args.get("first") or args.get("last") or 0
            per_node = max(
                (
                    OBJECT_COST + self._selection(node_type, sel.selection_set)
                    for _, sel, node_type in self.node_selections(named, node)
                ),
                default=0,
            )
            return CONNECTION_COST + size * per_node
        return OBJECT_COST + self._selection(named, node.selection_set)

    def _returned(
        self,
        parent: GraphQLObjectType,
        selection_set: SelectionSetNode | None,
        value: dict[str, Any],
    ) -> int:
        total = 0
        for node, field in self.fields(parent, selection_set):
            returned = value.get(response_key(node))
            named = get_named_type(field.type)
            if returned is None or is_leaf_type(named):
                continue
            assert isinstance(named, GraphQLObjectType)
            if is_connection_type(named.name):
                total += CONNECTION_COST + max(
                    (
                        sum(
                            OBJECT_COST + self._returned(node_type, sel.selection_set, item)
                            for item in returned_nodes(returned, path)
                        )
                        for path, sel, node_type in self.node_selections(named, node)
                    ),
                    default=0,
                )
            elif isinstance(returned, list):
                total += OBJECT_COST + sum(
                    self._returned(named, node.selection_set, item) for item in returned
                )
            else:
                total += OBJECT_COST + self._returned(named, node.selection_set, returned)
        return total
