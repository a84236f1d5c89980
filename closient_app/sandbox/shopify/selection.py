"""Walking a validated operation against the schema: fields with fragments expanded, and the
`nodes { }` / `edges { node { } }` selections of connections. Shared by cost and bulk JSONL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)

NodePath = tuple[str, ...]  # response keys from a connection value to its node objects


class SelectionWalker:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any] | None,
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.variables = variables or {}
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def root_type(self) -> GraphQLObjectType:
        assert self.schema.query_type is not None
        return self.schema.query_type

    def fields(
        self, parent: GraphQLObjectType, selection_set: SelectionSetNode | None
    ) -> Iterator[tuple[FieldNode, GraphQLField]]:
        """Selected fields of `parent`, fragments expanded, introspection fields skipped."""
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                if not node.name.value.startswith("__"):
                    yield node, parent.fields[node.name.value]
            elif isinstance(node, InlineFragmentNode):
                yield from self.fields(parent, node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                yield from self.fields(parent, self.fragments[node.name.value].selection_set)

    def node_selections(
        self, connection: GraphQLObjectType, node: FieldNode
    ) -> Iterator[tuple[NodePath, FieldNode, GraphQLObjectType]]:
        for sub, field in self.fields(connection, node.selection_set):
            if sub.name.value == "nodes":
                yield (response_key(sub),), sub, object_type(field)
            elif sub.name.value == "edges":
                for inner, inner_field in self.fields(object_type(field), sub.selection_set):
                    if inner.name.value == "node":
                        yield (
                            (response_key(sub), response_key(inner)),
                            inner,
                            object_type(inner_field),
                        )


def returned_nodes(connection_value: dict[str, Any], path: NodePath) -> list[Any]:
    items = connection_value.get(path[0]) or []
    return [edge[path[1]] for edge in items] if len(path) == 2 else list(items)


def response_key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def object_type(field: GraphQLField) -> GraphQLObjectType:
    named = get_named_type(field.type)
    assert isinstance(named, GraphQLObjectType)
    return named
