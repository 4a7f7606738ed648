"""The ``alerts``, ``digest`` and ``exports`` sections of ``config.yaml``. Secrets are named, not
written: ``username_env`` / ``password_env`` / ``apprise_urls_env`` hold environment variable
names. As in :mod:`monitor.config.sources`, error messages never repeat the offending value."""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from monitor.config.sources import STRICT, Schedule, http_url, key_error


class _Strict(BaseModel):
    model_config = STRICT


def email_address(value: str) -> str:
    """``name@example.com`` or ``Name <name@example.com>``: one address."""
    if "," in value or ";" in value:
        raise ValueError("one address per entry (make a YAML list for several)")
    _, addr = parseaddr(value)
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in addr) or "@" in local:
        raise ValueError("not an email address like name@example.com")
    return value


def host_name(value: str) -> str:
    """A bare host name or IP address, without scheme, port or credentials."""
    if not value.strip():
        raise ValueError("empty: give the SMTP server's host name, e.g. smtp.example.com")
    if "://" in value or "@" in value or "/" in value:
        raise ValueError("give the host name only (like smtp.example.com): no scheme, user or path")
    if re.fullmatch(r"[^:\s]+:\d+", value):
        raise ValueError("give the port in smtp_port, not in smtp_host")
    if any(c.isspace() for c in value):
        raise ValueError("a host name has no white space")
    return value


def env_name(value: str) -> str:
    """The NAME of an environment variable; never the secret it holds."""
    if not re.fullmatch(r"[A-Z_][A-Z0-9_]{0,127}", value):
        raise ValueError(
            "must name an environment variable in capitals (letters, digits, _), e.g. "
            "ASICMON_SMTP_PASSWORD: the variable holds the secret, the file only names it"
        )
    return value


Address = Annotated[str, AfterValidator(email_address)]
EnvName = Annotated[str, AfterValidator(env_name)]


class AlertRuleConfig(_Strict):
    """One alert rule; see monitor.outputs.alerts.AlertRule for the meaning of each key."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: Literal["below", "drop", "new_low", "event_drop", "deal", "payback"]
    model: str | None = None
    tier: Literal["under19", "19to25", "25to38", "38to68", "above68"] | None = None
    usd_per_th: Annotated[float, Field(gt=0, le=1_000_000)] | None = None
    drop_pct: Annotated[float, Field(gt=0, lt=100)] | None = None
    within_days: Annotated[int, Field(ge=1, le=3650)] = 7
    low_days: Annotated[int, Field(ge=1, le=3650)] = 90
    basis: Literal["ask", "sold"] = "ask"
    min_listings: Annotated[int, Field(ge=2, le=100_000)] = 3
    months: Annotated[float, Field(gt=0, le=240)] | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @model_validator(mode="after")
    def _needs(self) -> AlertRuleConfig:
        # the same rules as monitor.outputs.alerts.AlertRule, checked at load with the key named
        if self.model is not None and self.tier is not None and self.kind != "deal":
            raise key_error("tier", "set model or tier, not both (only a deal rule takes both)")
        if self.kind == "below" and self.usd_per_th is None:
            raise key_error("usd_per_th", "missing: a 'below' rule needs usd_per_th")
        if self.kind in ("drop", "deal") and self.drop_pct is None:
            raise key_error("drop_pct", f"missing: a {self.kind!r} rule needs drop_pct")
        if self.kind == "payback" and self.months is None:
            raise key_error("months", "missing: a 'payback' rule needs months")
        if self.kind != "payback" and self.months is not None:
            raise key_error("months", "only a 'payback' rule takes months")
        return self


class ExportJobConfig(_Strict):
    """An export the daemon writes on a schedule (the same as `asicmon export`)."""

    what: Literal["listings", "observations", "index", "drops", "runs"]
    format: Literal["csv", "parquet"] = "parquet"
    path: str = Field(
        min_length=1, description="file, or folder with partition_by; relative to the config"
    )
    partition_by: Literal["month"] | None = None
    schedule: Schedule = "0 * * * *"

    @model_validator(mode="after")
    def _partition_needs_parquet(self) -> ExportJobConfig:
        if self.partition_by is not None and self.format != "parquet":
            raise key_error("partition_by", "needs format: parquet")
        return self


class MarketJobConfig(_Strict):
    """``market:``: the daemon refreshes daily BTC/USD and hashprice (``asicmon market``); on
    unless ``enabled: false``. The API bases may point at a mirror."""

    enabled: bool = True
    schedule: Schedule = "0 2 * * *"
    days: Annotated[int, Field(ge=1, le=365)] = 7
    blockchain_api: Annotated[
        str, AfterValidator(http_url), Field(description="blockchain.info charts API base URL")
    ] = "https://api.blockchain.info"
    mempool_api: Annotated[
        str, AfterValidator(http_url), Field(description="mempool.space API base (the fallback)")
    ] = "https://mempool.space/api"


class DigestConfig(_Strict):
    schedule: Schedule = "0 7 * * *"
    sender: Address = Field(description="From: address")
    recipients: list[Address] = Field(min_length=1)
    subject_prefix: Annotated[str, Field(max_length=100)] = "[asicmon]"
    smtp_host: Annotated[str, AfterValidator(host_name)] = "localhost"
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username_env: EnvName | None = Field(None, description="env var holding the SMTP user")
    password_env: EnvName | None = Field(None, description="env var holding the SMTP password")
    timeout_s: Annotated[float, Field(gt=0, le=600)] = 30.0
    send_when_empty: bool = False
    chart_series: str | None = None
    lookback_days: Annotated[int, Field(ge=1, le=3650)] = 30
    max_deals: Annotated[int, Field(ge=1, le=1000)] = 10
    apprise_urls_env: EnvName | None = Field(
        None, description="env var holding apprise URLs (space-separated), optional"
    )

    @model_validator(mode="after")
    def _login_needs_password(self) -> DigestConfig:
        if self.username_env and not self.password_env:
            raise key_error("password_env", "missing: username_env is set, so name the "
                            "environment variable holding the password too")  # fmt: skip
        return self
