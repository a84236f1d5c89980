from fastapi.testclient import TestClient
from sqlalchemy import text

from closient_app import __version__
from closient_app.api.app import create_api


def test_healthz_reports_version_database_and_postgis(db) -> None:
    expected_postgis = db.execute(text("SELECT postgis_lib_version()")).scalar_one()

    response = TestClient(create_api()).get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": __version__,
        "database": {"reachable": True, "postgis_version": expected_postgis},
    }


def test_unknown_route_gets_the_error_envelope() -> None:
    response = TestClient(create_api()).get("/no/such/route")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "NOT_FOUND", "message": "No such resource.", "status": 404, "details": []}
    }
