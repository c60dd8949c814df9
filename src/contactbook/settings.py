"""Configuration, read from `CONTACTBOOK_*` environment variables (or a `.env` file).

Nothing reads it at import time: the CLI and `create_app` build `Settings` and pass it down.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./contactbook.db"
# Shorter than this, a secret can be guessed and tokens forged with it.
SECRET_KEY_MIN_LENGTH = 16
_PLACEHOLDERS = frozenset({"changeme", "change-me", "change_me", "secret", "secret-key",
                           "your-secret-key", "please-change-me", "contactbook"})  # fmt: skip


class Settings(BaseSettings):
    """Every setting of a Contactbook process."""

    model_config = SettingsConfigDict(env_prefix="CONTACTBOOK_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # Pool per process; with N workers the database sees up to 2·N·pool_size connections.
    db_pool_size: int = Field(default=10, ge=1, le=200)
    redis_url: str | None = None
    # How long a Redis call may take before the process counts rate limits in its own memory.
    redis_timeout_seconds: float = Field(default=0.05, gt=0, le=10)
    # The installation secret that Notificore bearer tokens are signed with (through a key
    # derived from it). Several machines serving one database must share it. Unset: a random
    # secret is made once and kept in `secret_file`, shared by the processes of one machine.
    secret_key: SecretStr | None = None
    # Unset: beside the SQLite file, or in the working folder for PostgreSQL.
    secret_file: str | None = None
    token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)
    # How long a verified API key is kept in memory. A revocation reaches every process
    # within a second whatever this is: each polls the database's credentials revision.
    auth_cache_seconds: float = Field(default=10.0, ge=0)
    # Requests per API key, in the `limits` notation ("120/minute", "10/second").
    rate_limit: str = "120/minute"
    rate_limit_enabled: bool = True
    # Namespace of the rate-limit counters in Redis (installations sharing one Redis differ).
    rate_limit_prefix: str = "contactbook"
    # Uploaded import files and finished exports. Several machines: make this shared storage.
    import_dir: str = "./contactbook-imports"
    max_upload_bytes: int = Field(default=2 * 1024**3, ge=1)
    # Longest request body of every other route (JSON bodies), refused while it streams in.
    max_body_bytes: int = Field(default=10 * 1024**2, ge=1)
    # Rows a background import writes per transaction; smaller keeps SQLite's writer lock short.
    job_batch_size: int = Field(default=2000, ge=100, le=50_000)
    # Run queued imports and exports in this process.
    jobs_enabled: bool = True
    # A running job whose worker has not reported for this long is taken over (and resumed).
    job_stale_seconds: float = Field(default=60.0, gt=0)
    # Days a deleted contact stays in the trash, restorable, before it is purged for good.
    trash_days: int = Field(default=30, ge=0, le=36_500)
    # Seconds between a server process's purges of the trash (each also runs once at start).
    trash_purge_seconds: float = Field(default=300.0, gt=0)
    log_level: str = "info"
    # OpenTelemetry traces, metrics and logs through FastAPI's integration (providers are
    # configured the OpenTelemetry way); off, no request pays for looking them up.
    telemetry: bool = False
    # Memory per process for recently rendered read responses (0 turns the cache off).
    response_cache_mib: int = Field(default=64, ge=0)

    @field_validator("secret_key")
    @classmethod
    def _real_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty key means none; a placeholder or a short one is refused, since anyone who
        guesses it signs tokens for every account."""
        if value is None or not value.get_secret_value().strip():
            return None
        text = value.get_secret_value().strip()
        if text.lower() in _PLACEHOLDERS or len(text) < SECRET_KEY_MIN_LENGTH:
            raise ValueError(
                f"CONTACTBOOK_SECRET_KEY must be a random value of at least "
                f"{SECRET_KEY_MIN_LENGTH} characters, e.g. the output of "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()
