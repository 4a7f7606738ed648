"""Reading a facts file (``data/*.yaml`` or a user's copy): YAML, validated by a pydantic model,
with one readable error naming the file, the key path and what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

# libyaml's parser when PyYAML was built with it (the same documents, a tenth of the time);
# the constructor is PyYAML's safe one either way
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_facts(
    path: Path, model: type[M], *, error: type[ValueError] = ValueError, hint: str = ""
) -> M:
    """``path`` parsed and validated as ``model``; ``error`` says ``<file>: <key path>: <what>``
    for the first problem (with how many there are, and ``hint`` on what the file should be)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        more = f" ({exc.error_count()} errors)" if exc.error_count() > 1 else ""
        raise error(
            f"{path}: {where}: {first['msg']}{more}{f' ({hint})' if hint else ''}"
        ) from None
