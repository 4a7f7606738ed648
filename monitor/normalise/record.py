"""The normalised record: one definition of its fields, and the views derived from it.

:class:`Normalised` (what ``normalise()`` returns) lists the fields with their types and JSON
constraints. Derived from that one list:

- :data:`NormalisedRecord` and :data:`OfferRecord`: pydantic models of the published shape of the
  normaliser's JSON output (``asicmon normalise --schema``). Field names are a contract: other
  tools read them. Tests validate every output against these.
- :data:`STORE_COLUMNS`: column name -> Python type, the listings table's normalised columns.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

Kind = Literal["miner", "part", "other"]
Condition = Literal["new", "used", "refurbished", "for_parts", "unknown"]
Cooling = Literal["air", "hydro", "immersion"]


class Normalised(NamedTuple):
    """The normaliser's answer for one title (immutable; a tuple, so cheap to make).

    ``Field(...)`` metadata is for the JSON schema only; the defaults are for building a record
    in Python: in the JSON output every field is present (required), null where unknown."""

    kind: Kind
    maker: str | None = None
    model: Annotated[
        str | None, Field(description="canonical catalog name; null unless kind is miner")
    ] = None
    algorithm: str | None = None
    hashrate_ths: Annotated[
        float | None, Field(ge=0, description="SHA-256 miners only, in TH/s")
    ] = None
    hashrate: Annotated[float | None, Field(ge=0, description="in the model's native unit")] = None
    hashrate_unit: str | None = None
    power_w: Annotated[int | None, Field(ge=0)] = None
    efficiency_j_th: Annotated[float | None, Field(ge=0)] = None
    quantity: Annotated[int, Field(ge=1, description="units the listed price buys")] = 1
    condition: Condition = "unknown"
    cooling: Cooling | None = None
    confidence: Annotated[float, Field(ge=0, le=1)] = 0.0
    reason: str | None = None
    catalog_match: Annotated[
        bool | None,
        Field(
            description="true: model is a catalog model; false: a miner whose model is not in "
            "the catalog (read from its maker's model-name shape, or not read); null: a part or "
            "other listing"
        ),
    ] = None

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class _OfferFields:
    """The fields an offer of a broker message adds to its line's :class:`Normalised`
    (``asicmon normalise --offers``, ``Offer.to_dict()``); annotations only."""

    price: Annotated[
        float | None,
        Field(
            ge=0,
            description="the amount as written, in currency units (exact: at most 15 significant "
            "digits); per TH/s when price_basis is per_th, for the lot when lot",
        ),
    ]
    currency: Annotated[str | None, Field(pattern=r"^[A-Z]{3}$")]
    price_basis: Literal["unit", "per_th", "lot"]
    moq: Annotated[int | None, Field(ge=1)]
    location: str | None
    line: Annotated[int, Field(ge=1)]
    text: str
    header: str | None
    flags: list[str]
    side: Annotated[
        Literal["ask", "bid"],
        Field(description="ask: offered for sale; bid: wanted to buy (a WTB post or section)"),
    ]


def _fields(cls: type, *, extras: bool = True) -> dict[str, Any]:
    """Field name -> annotation of ``cls``, in declaration order (``extras``: keep the
    ``Annotated`` metadata)."""
    return get_type_hints(cls, include_extras=extras)


def _required(cls: type) -> dict[str, Any]:
    """pydantic field definitions: every field required (the output always has all of them)."""
    return {name: (hint, ...) for name, hint in _fields(cls).items()}


NormalisedRecord: type[BaseModel] = create_model(
    "NormalisedRecord",
    __config__=ConfigDict(extra="forbid"),
    __doc__="One title, normalised.",
    __module__=__name__,
    **_required(Normalised),
)
OfferRecord: type[BaseModel] = create_model(
    "OfferRecord",
    __base__=NormalisedRecord,
    __doc__="One offer of a multi-offer message (``asicmon normalise --offers``).",
    __module__=__name__,
    **_required(_OfferFields),
)


def _column_type(hint: Any) -> type:
    """The Python type of a column: ``X | None`` is ``X``; a ``Literal`` is its values' type."""
    if get_origin(hint) in (Union, types.UnionType):
        (hint,) = (arg for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) is Literal:
        (hint,) = {type(value) for value in get_args(hint)}
    if not isinstance(hint, type):
        raise TypeError(f"no column type for {hint!r}")
    return hint


# column name -> Python type of the listings table's normalised columns (sqlite-utils' create())
STORE_COLUMNS: dict[str, type] = {
    name: _column_type(hint) for name, hint in _fields(Normalised, extras=False).items()
}


def json_schema() -> dict[str, Any]:
    return {
        "title": "asicmon normalise output",
        "normalised": NormalisedRecord.model_json_schema(),
        "offer": OfferRecord.model_json_schema(),
    }
