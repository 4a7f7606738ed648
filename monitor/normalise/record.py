"""The published shape of the normaliser's JSON output (``asicmon normalise --schema``).

Field names are a contract: other tools read them. Tests validate every output against these.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class NormalisedRecord(BaseModel):
    """One title, normalised."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["miner", "part", "other"]
    maker: str | None
    model: str | None = Field(description="canonical catalog name; null unless kind is miner")
    algorithm: str | None
    hashrate_ths: float | None = Field(ge=0, description="SHA-256 miners only, in TH/s")
    hashrate: float | None = Field(ge=0, description="in the model's native unit")
    hashrate_unit: str | None
    power_w: int | None = Field(ge=0)
    efficiency_j_th: float | None = Field(ge=0)
    quantity: int = Field(ge=1, description="units the listed price buys")
    condition: Literal["new", "used", "refurbished", "for_parts", "unknown"]
    cooling: Literal["air", "hydro", "immersion"] | None
    confidence: float = Field(ge=0, le=1)
    reason: str | None


class OfferRecord(NormalisedRecord):
    """One offer of a multi-offer message (``asicmon normalise --offers``)."""

    price: str | None = Field(description="decimal string, exact")
    currency: str | None = Field(pattern=r"^[A-Z]{3}$")
    price_basis: Literal["unit", "per_th", "lot"]
    moq: int | None = Field(ge=1)
    location: str | None
    line: int = Field(ge=1)
    text: str
    header: str | None
    flags: list[str]


def json_schema() -> dict[str, Any]:
    return {
        "title": "asicmon normalise output",
        "normalised": NormalisedRecord.model_json_schema(),
        "offer": OfferRecord.model_json_schema(),
    }
