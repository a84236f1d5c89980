"""The subset of Shopify's Admin GraphQL schema the sandbox serves, as SDL with Shopify's names.

Resolvers are attached by `resolvers.bind_resolvers`; connection objects are plain dicts.
"""

from __future__ import annotations

from functools import cache

from graphql import GraphQLSchema, build_schema

PAGE_ARGS = "first: Int, after: String, last: Int, before: String, reverse: Boolean = false"

SDL = f"""
scalar DateTime
scalar Money
scalar URL
scalar UnsignedInt64

enum ProductStatus {{ ACTIVE ARCHIVED DRAFT }}
enum CurrencyCode {{ USD CAD MXN }}
enum CountryCode {{ US CA MX }}
enum WebhookSubscriptionFormat {{ JSON XML }}
enum WebhookSubscriptionTopic {{
  APP_UNINSTALLED BULK_OPERATIONS_FINISH INVENTORY_ITEMS_CREATE INVENTORY_ITEMS_DELETE
  INVENTORY_ITEMS_UPDATE INVENTORY_LEVELS_CONNECT INVENTORY_LEVELS_DISCONNECT
  INVENTORY_LEVELS_UPDATE LOCATIONS_CREATE LOCATIONS_DELETE LOCATIONS_UPDATE PRODUCTS_CREATE
  PRODUCTS_DELETE PRODUCTS_UPDATE
}}
enum BulkOperationStatus {{ CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }}
enum BulkOperationErrorCode {{ ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }}
enum BulkOperationType {{ MUTATION QUERY }}
enum BulkOperationUserErrorCode {{ INVALID OPERATION_IN_PROGRESS }}
enum CountPrecision {{ AT_LEAST EXACT }}

type PageInfo {{
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}}

type Shop {{
  id: ID!
  name: String!
  email: String!
  myshopifyDomain: String!
  url: URL!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
  createdAt: DateTime!
}}

type Product {{
  id: ID!
  title: String!
  handle: String!
  vendor: String!
  productType: String!
  status: ProductStatus!
  createdAt: DateTime!
  updatedAt: DateTime!
  variants({PAGE_ARGS}): ProductVariantConnection!
}}

type ProductVariant {{
  id: ID!
  title: String!
  position: Int!
  sku: String
  barcode: String
  price: Money!
  updatedAt: DateTime!
  product: Product!
  inventoryItem: InventoryItem!
}}

type InventoryItem {{
  id: ID!
  sku: String
  tracked: Boolean!
  updatedAt: DateTime!
  variant: ProductVariant!
  inventoryLevels({PAGE_ARGS}): InventoryLevelConnection!
  inventoryLevel(locationId: ID!): InventoryLevel
}}

type InventoryLevel {{
  id: ID!
  location: Location!
  item: InventoryItem!
  updatedAt: DateTime!
  quantities(names: [String!]!): [InventoryQuantity!]!
}}

type InventoryQuantity {{
  id: ID!
  name: String!
  quantity: Int!
  updatedAt: DateTime
}}

type Location {{
  id: ID!
  name: String!
  isActive: Boolean!
  createdAt: DateTime!
  updatedAt: DateTime!
  address: LocationAddress!
}}

type LocationAddress {{
  address1: String
  address2: String
  city: String
  zip: String
  province: String
  provinceCode: String
  country: String
  countryCode: String
  phone: String
  latitude: Float
  longitude: Float
}}

type WebhookSubscription {{
  id: ID!
  topic: WebhookSubscriptionTopic!
  uri: String!
  format: WebhookSubscriptionFormat!
  apiVersion: ApiVersion!
  createdAt: DateTime!
  updatedAt: DateTime!
}}

type ApiVersion {{
  handle: String!
}}

type BulkOperation {{
  id: ID!
  status: BulkOperationStatus!
  errorCode: BulkOperationErrorCode
  type: BulkOperationType!
  query: String!
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
  createdAt: DateTime!
  completedAt: DateTime
}}

type Count {{
  count: Int!
  precision: CountPrecision!
}}

type UserError {{
  field: [String!]
  message: String!
}}

type BulkOperationUserError {{
  field: [String!]
  message: String!
  code: BulkOperationUserErrorCode
}}

type WebhookSubscriptionCreatePayload {{
  webhookSubscription: WebhookSubscription
  userErrors: [UserError!]!
}}

type WebhookSubscriptionDeletePayload {{
  deletedWebhookSubscriptionId: ID
  userErrors: [UserError!]!
}}

type BulkOperationRunQueryPayload {{
  bulkOperation: BulkOperation
  userErrors: [BulkOperationUserError!]!
}}

input WebhookSubscriptionInput {{
  uri: String
  callbackUrl: URL
  format: WebhookSubscriptionFormat = JSON
  includeFields: [String!]
}}
"""

CONNECTIONS = (
    "Product",
    "ProductVariant",
    "InventoryItem",
    "InventoryLevel",
    "Location",
    "WebhookSubscription",
)

CONNECTION_SDL = "".join(
    f"""
type {name}Connection {{
  edges: [{name}Edge!]!
  nodes: [{name}!]!
  pageInfo: PageInfo!
}}
type {name}Edge {{
  cursor: String!
  node: {name}!
}}
"""
    for name in CONNECTIONS
)

ROOTS_SDL = f"""
type QueryRoot {{
  shop: Shop!
  products({PAGE_ARGS}, query: String): ProductConnection!
  product(id: ID!): Product
  productVariants({PAGE_ARGS}, query: String): ProductVariantConnection!
  productVariant(id: ID!): ProductVariant
  inventoryItems({PAGE_ARGS}, query: String): InventoryItemConnection!
  inventoryItem(id: ID!): InventoryItem
  locations({PAGE_ARGS}, includeInactive: Boolean = false): LocationConnection!
  location(id: ID): Location
  webhookSubscriptions({PAGE_ARGS}, topics: [WebhookSubscriptionTopic!]):
    WebhookSubscriptionConnection!
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  productsCount(query: String, limit: Int = 10000): Count
  productVariantsCount(query: String, limit: Int = 10000): Count
  locationsCount(query: String, limit: Int = 10000): Count
}}

type Mutation {{
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!,
    webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  webhookSubscriptionDelete(id: ID!): WebhookSubscriptionDeletePayload
  bulkOperationRunQuery(query: String!): BulkOperationRunQueryPayload
}}

schema {{ query: QueryRoot mutation: Mutation }}
"""


@cache
def admin_schema() -> GraphQLSchema:
    """Built once per process; resolvers read all state from the execution context."""
    from .resolvers import bind_resolvers

    schema = build_schema(SDL + CONNECTION_SDL + ROOTS_SDL)
    bind_resolvers(schema)
    return schema


def is_connection_type(type_name: str) -> bool:
    return type_name.endswith("Connection")
