"""`GET /healthz`: app version, database reachability and the PostGIS version.

Not `/_health`: Reflex reserves that path.
"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from closient_app import __version__
from closient_app.db import get_engine

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> JSONResponse:
    database: dict[str, object] = {"reachable": False}
    try:
        with get_engine().connect() as conn:
            database["postgis_version"] = conn.execute(
                text("SELECT postgis_lib_version()")
            ).scalar()
            database["reachable"] = True
    except Exception as exc:  # noqa: BLE001  (health reports the failure instead of raising)
        database["error"] = type(exc).__name__
    status = 200 if database["reachable"] else 503
    body = {
        "status": "ok" if status == 200 else "degraded",
        "version": __version__,
        "database": database,
    }
    return JSONResponse(body, status_code=status)
