"""No endpoint answers with a stack trace or a framework-default error body.

Every registered route is called with the wrong method, with a body that is not JSON, with a
JSON body of the wrong shape and with no credential. JSON APIs must answer in the envelope; the
OAuth protocol endpoints in RFC 6749's `{"error": "..."}`; the verification page in HTML.
"""

from __future__ import annotations

import pytest
from fastapi.routing import iter_route_contexts

from closient_app.api.app import create_api
from closient_app.api.apps import APPS
from closient_app.ids import new_short_id
from closient_app.services import rate_limits
from tests.api.auth_support import bearer_headers, key_headers
from tests.factories import make_org, make_user

OAUTH_PROTOCOL = {"/oauth/token", "/oauth/device_authorization", "/oauth/revoke"}
# Everything else outside /{app}/api/v1 and /.well-known is a page a person opens in a browser
# (the device verification page, the POS connect redirects): HTML is right there.
API_PREFIXES = tuple(f"/{app}/api/v1/" for app in APPS) + ("/.well-known/",)
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
LEAKS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "Exception")


def _routes() -> list[tuple[str, frozenset[str]]]:
    by_path: dict[str, set[str]] = {}
    for route in iter_route_contexts(create_api().routes):
        if route.methods:
            by_path.setdefault(route.path, set()).update(route.methods)
    return [(path, frozenset(methods)) for path, methods in sorted(by_path.items())]


ROUTES = _routes()


def _fill(path: str) -> str:
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + new_short_id() + path[end + 1 :]
    return path


def assert_no_leak(response) -> None:
    assert not any(leak in response.text for leak in LEAKS), response.text


def assert_envelope(response) -> None:
    assert_no_leak(response)
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert (
        {"code", "message", "status", "details"}
        <= set(error)
        <= {
            "code",
            "message",
            "status",
            "details",
            "next_step",
        }
    )
    assert error["status"] == response.status_code
    assert isinstance(error["message"], str) and error["message"]
    assert all(set(d) == {"field", "message"} for d in error["details"])


def assert_error_answer(path: str, response) -> None:
    assert response.status_code < 500, response.text  # bad input is the caller's error, not ours
    if path in OAUTH_PROTOCOL and response.status_code in (400, 401):
        assert_no_leak(response)
        assert isinstance(response.json()["error"], str)  # RFC 6749 5.2
    elif not path.startswith(API_PREFIXES) and response.headers["content-type"].startswith("text/"):
        assert_no_leak(response)  # a person's page; a form post missing fields is the envelope
    else:
        assert_envelope(response)


BAD_BODIES = [b"{not json", b"[1, 2]", b'{"unexpected": true}']


@pytest.mark.parametrize(("path", "methods"), ROUTES)
def test_no_route_answers_with_a_framework_body(client, db, path, methods) -> None:
    """Per route (each test costs a database truncation): the wrong method, no credential, and
    bodies that are not JSON or have the wrong shape, with a valid key."""
    target = _fill(path)
    wrong_method = client.request(next(m for m in ALL_METHODS if m not in methods), target)
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert_envelope(wrong_method)

    key = {"Content-Type": "application/json", **key_headers(db, make_org(db))}
    for method in sorted(methods - {"HEAD"}):
        answers = [client.request(method, target)]
        answers += [client.request(method, target, content=b, headers=key) for b in BAD_BODIES]
        for response in answers:
            if response.status_code >= 400:
                assert_error_answer(path, response)


def test_a_bad_query_parameter_names_the_field(client, db) -> None:
    response = client.get("/account/api/v1/whoami", params={"page": "x"})  # ignored: no such param
    listing = client.get(
        f"/account/api/v1/organizations/{new_short_id()}/members",
        params={"page": "first"},
        headers=key_headers(db, make_org(db)),
    )

    assert response.status_code == 401
    assert listing.status_code == 422
    assert listing.json()["error"]["details"][0]["field"] == "page"


def test_an_unhandled_error_in_a_route_is_a_bare_500(client, db, monkeypatch) -> None:
    def explode(**_):
        raise RuntimeError("password=hunter2 at db.internal:5432")

    monkeypatch.setattr("closient_app.api.routes.account.accounts.organizations_of", explode)
    user = make_user(db)
    response = client.get("/account/api/v1/whoami", headers=bearer_headers(db, user))

    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "INTERNAL_ERROR",
            "message": "Something went wrong on our side. Try again later.",
            "status": 500,
            "details": [],
        }
    }
    assert "hunter2" not in response.text
    assert response.headers["RateLimit-Policy"]  # the headers survive the crash


def test_an_error_inside_the_middleware_is_a_bare_500(client, monkeypatch) -> None:
    def explode(*_, **__):
        raise RuntimeError("counter table is gone: relation rate_limit_counter")

    monkeypatch.setattr(rate_limits, "count_request", explode)

    response = client.get("/.well-known/api-catalog")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_ERROR"
    assert "rate_limit_counter" not in response.text
