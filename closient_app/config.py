"""Every setting, read once from the environment (and an optional `.env`).

`.env.example` documents each variable. Nothing secret has a usable default outside development:
`Settings.check_secrets()` refuses to start a production configuration with a weak secret.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_DIR = PROJECT_ROOT / ".local"
# Written once by `python -m closient_app setup` with random development secrets (git-ignored),
# so a fresh clone works without anyone inventing secrets, and nothing secret is in the repo.
GENERATED_ENV = LOCAL_DIR / "generated.env"


class Settings(BaseSettings):
    # Precedence: real environment > .env > generated development secrets.
    model_config = SettingsConfigDict(
        env_file=(GENERATED_ENV, PROJECT_ROOT / ".env"), extra="ignore"
    )

    # --- runtime ---
    environment: str = Field("development", description="development | test | production")
    port: int = Field(3000, description="The one port the app serves pages and API on")
    public_base_url: str = Field(
        "", description="Externally visible base URL; defaults to http://127.0.0.1:$PORT"
    )
    log_level: str = Field("info", description="debug / info / warning / error")

    # --- database ---
    database_url: str = Field(
        "", description="postgresql+psycopg://... ; empty = the project-local cluster"
    )
    local_pg_port: int = Field(54329, description="Port of the project-local cluster")
    test_database_name: str = Field("closient_test", description="Database the tests use")
    db_pool_size: int = Field(10, description="Database connections per process")

    # --- secrets ---
    secret_key: str = Field("", description="Signs sessions and OAuth state; required in prod")
    token_encryption_keys: str = Field(
        "",
        description="Comma-separated Fernet keys for POS tokens at rest; the first encrypts, "
        "all decrypt (key rotation)",
    )

    # --- sign-in, OAuth and rate limits ---
    session_ttl_s: int = Field(14 * 86400, description="Browser session lifetime")
    access_token_ttl_s: int = Field(900, description="OAuth access token lifetime (15 min)")
    refresh_token_ttl_s: int = Field(30 * 86400, description="OAuth refresh token lifetime")
    device_code_ttl_s: int = Field(900, description="How long a device user code can be entered")
    rate_limit_per_minute: int = Field(300, description="Default requests per minute per caller")
    rate_limit_per_day: int = Field(10_000, description="Default requests per day per caller")

    # --- demo ---
    demo_api_key: str = Field("", description="Fixed value for the demo org's API key")
    demo_email: str = Field("demo@closient.test", description="The demo user's login")
    demo_password: str = Field("", description="Demo user's password; generated when empty")

    # --- Shopify ---
    shopify_client_id: str = Field("", description="Real Shopify app client id; empty = sandbox")
    shopify_client_secret: str = Field("", description="Real Shopify app client secret")
    shopify_previous_client_secret: str = Field(
        "", description="Still accepted for HMACs during a client-secret rotation"
    )
    shopify_api_version: str = Field("2026-07", description="The Admin API version in every URL")
    shopify_sandbox_client_id: str = Field(
        "closient-sandbox-app", description="The app's client id at the built-in sandbox"
    )
    shopify_sandbox_client_secret: str = Field(
        "", description="Client secret shared by the app and its built-in sandbox"
    )
    shopify_sandbox_enabled: bool = Field(
        False, description="Mount the sandbox even with real credentials (tests only)"
    )

    # --- inventory sync, job queue and worker ---
    low_stock_threshold: int = Field(3, description="Quantities from 1 up to below this: low_stock")
    resync_interval_hours: float = Field(6.0, description="Periodic re-sync of every source")
    worker_in_process: bool = Field(True, description="The app runs one worker in its own process")
    worker_concurrency: int = Field(1, description="Sync jobs one worker process runs at once")
    worker_poll_s: float = Field(5.0, description="Worker poll when no NOTIFY arrives")
    sync_bulk_min_variants: int = Field(
        72, description="Catalogs with at least this many variants sync by bulk export"
    )
    sync_batch_variants: int = Field(1000, description="Variants written per transaction (bulk)")
    job_heartbeat_s: float = Field(5.0, description="How often a running job proves it is alive")
    job_stale_after_s: float = Field(
        60.0, description="A running job without a heartbeat this long is requeued"
    )
    job_max_attempts: int = Field(5, description="Then a sync job fails for good")

    # --- retention (the scheduler's purge_expired_records) ---
    webhook_receipt_retention_days: int = Field(
        14, ge=1, description="Applied, ignored or failed POS webhook receipts are kept this long"
    )
    forward_delivery_retention_days: int = Field(
        14, ge=1, description="Delivered or dead-lettered forwards are kept this long"
    )

    # --- geocoding and maps ---
    geocoder_url: str = Field(
        "", description="Nominatim base URL; empty = offline postal-code/city centroids only"
    )
    geocoder_timeout_s: float = Field(3.0, description="Nominatim timeout; then offline")
    map_tile_url: str = Field(
        "", description="Raster tile URL template ({z}/{x}/{y}); empty = offline basemap only"
    )
    map_tile_attribution: str = Field("", description="Attribution shown with MAP_TILE_URL tiles")

    @property
    def uses_shopify_sandbox(self) -> bool:
        """No real credentials means the built-in sandbox plays Shopify."""
        return not (self.shopify_client_id and self.shopify_client_secret)

    @property
    def base_url(self) -> str:
        return (self.public_base_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return _with_psycopg_driver(self.database_url)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.local_pg_port}/closient"

    @property
    def test_database_url(self) -> str:
        """The tests' database: same server as the app's, its own name."""
        from sqlalchemy.engine import make_url

        url = make_url(self.effective_database_url).set(database=self.test_database_name)
        return url.render_as_string(hide_password=False)

    def check_secrets(self) -> None:
        """Refuse a production start with missing or weak secrets."""
        if not self.is_production:
            return
        if len(self.secret_key) < 32:
            raise RuntimeError("SECRET_KEY must be set to at least 32 characters in production")
        if not self.token_encryption_keys:
            raise RuntimeError("TOKEN_ENCRYPTION_KEYS must be set in production")


def _with_psycopg_driver(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` spellings; we always use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
