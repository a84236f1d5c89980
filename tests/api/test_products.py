"""The product catalog: GTINs validated, stored as GTIN-14, one product per GTIN."""

# ruff: noqa: F811  (pytest injects the imported `client` fixture as a same-named argument)
from __future__ import annotations

import pytest
from sqlmodel import func, select

from closient_app.models import Product, Role
from tests.api.geo_support import (
    client,  # noqa: F401  (a fixture, injected by name)
    error_fields,
    org_and_key,
)

URL = "/products/api/v1/products"


def test_create_stores_gtin_14_and_any_form_finds_it(client, db) -> None:
    _, key = org_and_key(db)

    created = client.post(
        URL, json={"gtin": "012345678905", "name": "Cordless Drill", "brand": "Makita"}, headers=key
    )
    by_upc = client.get(f"{URL}/012345678905")
    by_gtin14 = client.get(f"{URL}/00012345678905")

    assert created.status_code == 201, created.text
    assert created.json()["gtin"] == "00012345678905"
    assert by_upc.json()["id"] == by_gtin14.json()["id"] == created.json()["id"]
    assert by_upc.json()["name"] == "Cordless Drill"


def test_a_duplicate_gtin_is_a_conflict_naming_the_existing_product(client, db) -> None:
    _, key = org_and_key(db)
    first = client.post(URL, json={"gtin": "4006381333931", "name": "Pencil"}, headers=key).json()

    again = client.post(URL, json={"gtin": "04006381333931", "name": "Other"}, headers=key)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "CONFLICT"
    assert again.json()["error"]["details"] == [
        {"field": "gtin", "message": f"already used by product {first['id']}"}
    ]
    assert db.exec(select(func.count()).select_from(Product)).one() == 1
    assert db.exec(select(Product.name)).one() == "Pencil"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"gtin": "012345678901", "name": "x"}, "gtin"),
        ({"gtin": "1234567", "name": "x"}, "gtin"),
        ({"gtin": "01234567890a", "name": "x"}, "gtin"),
        ({"gtin": "012345678905", "name": ""}, "name"),
        ({"name": "x"}, "gtin"),
    ],
)
def test_invalid_products_name_the_field(client, db, body, field) -> None:
    _, key = org_and_key(db)

    response = client.post(URL, json=body, headers=key)

    assert response.status_code == 422
    assert error_fields(response) == [field]
    assert db.exec(select(func.count()).select_from(Product)).one() == 0


def test_unknown_and_invalid_gtins_on_get(client, db) -> None:
    assert client.get(f"{URL}/012345678905").status_code == 404
    assert error_fields(client.get(f"{URL}/012345678901")) == ["gtin"]


def test_adding_products_needs_offers_write_and_a_manager(client, db) -> None:
    _, viewer = org_and_key(db, role=Role.VIEWER)
    _, no_scope = org_and_key(db, scopes=("locations:write",))
    body = {"gtin": "012345678905", "name": "Cordless Drill"}

    assert client.post(URL, json=body).status_code == 401
    assert client.post(URL, json=body, headers=viewer).status_code == 403
    assert client.post(URL, json=body, headers=no_scope).status_code == 403
    assert db.exec(select(func.count()).select_from(Product)).one() == 0
