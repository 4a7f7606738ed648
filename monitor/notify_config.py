"""The ``alerts`` and ``digest`` sections of ``config.yaml``. Secrets are named, not written:
``username_env`` / ``password_env`` / ``apprise_urls_env`` hold environment variable names."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator

from monitor.source_config import parse_schedule


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlertRuleConfig(_Strict):
    """One alert rule; see monitor.alerts.AlertRule for the meaning of each key."""

    name: str
    kind: Literal["below", "drop", "new_low", "event_drop", "deal"]
    model: str | None = None
    tier: Literal["under19", "19to25", "25to38", "38to68", "above68"] | None = None
    usd_per_th: float | None = None
    drop_pct: float | None = None
    within_days: PositiveInt = 7
    low_days: PositiveInt = 90
    basis: Literal["ask", "sold"] = "ask"
    min_listings: int = Field(3, ge=2)


class ExportJobConfig(_Strict):
    """An export the daemon writes on a schedule (the same as `asicmon export`)."""

    what: Literal["listings", "observations", "index", "drops", "runs"]
    format: Literal["csv", "parquet"] = "parquet"
    path: str = Field(description="file, or folder with partition_by; relative to the config")
    partition_by: Literal["month"] | None = None
    schedule: str = "0 * * * *"

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        return parse_schedule(value)


class DigestConfig(_Strict):
    schedule: str = "0 7 * * *"
    sender: str = Field(description="From: address")
    recipients: list[str] = Field(min_length=1)
    subject_prefix: str = "[asicmon]"
    smtp_host: str = "localhost"
    smtp_port: PositiveInt = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username_env: str | None = Field(None, description="env var holding the SMTP user")
    password_env: str | None = Field(None, description="env var holding the SMTP password")
    timeout_s: float = 30.0
    send_when_empty: bool = False
    chart_series: str | None = None
    lookback_days: PositiveInt = 30
    max_deals: PositiveInt = 10
    apprise_urls_env: str | None = Field(
        None, description="env var holding apprise URLs (space-separated), optional"
    )

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        return parse_schedule(value)
