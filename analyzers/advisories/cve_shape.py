"""The shape of the parts of a CVE JSON 5 record that the importer reads, checked before it reads them.

Only what ``cve_import`` uses is described (everything else in a record may be anything): each field with the
type the importer relies on, so a record with ``cna`` as a list, ``descriptions`` as strings, a numeric title or no
``cveId`` is one clear problem naming the record and the field, never an exception inside the importer.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from msplus.yamlsource import dotted, pydantic_message

Text = Annotated[StrictStr, Field(max_length=1_000_000)]
Short = Annotated[StrictStr, Field(max_length=10_000)]


# Field names are the record's own (camelCase), so the model reads records as they are.
class _Part(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Value(_Part):
    value: Text = ""
    lang: Short = "en"


class _Reference(_Part):
    url: Short | None = None


class _Change(_Part):
    at: Short | None = None
    status: Short | None = None


class _Version(_Part):
    version: Short | None = None
    lessThan: Short | None = None
    lessThanOrEqual: Short | None = None
    status: Short | None = None
    changes: list[_Change] | None = None


class _Affected(_Part):
    vendor: Short | None = None
    product: Short | None = None
    platforms: list[Short] | None = None
    defaultStatus: Short | None = None
    versions: list[Any] | None = None  # objects are checked as _Version; the importer skips anything else


class _Source(_Part):
    advisory: Short | int | None = None
    defect: list[Short | int] | None = None


class _Cna(_Part):
    title: Short | None = None
    descriptions: list[_Value] | None = None
    affected: list[_Affected] | None = None
    solutions: list[_Value] | None = None
    configurations: list[_Value] | None = None
    workarounds: list[_Value] | None = None
    references: list[_Reference] | None = None
    source: _Source | None = None
    metrics: list[dict[str, Any]] | None = None
    datePublic: Short | None = None


class _Adp(_Part):
    providerMetadata: dict[str, Any] | None = None
    metrics: list[dict[str, Any]] | None = None


class _Containers(_Part):
    cna: _Cna
    adp: list[_Adp] | None = None


class _Metadata(_Part):
    cveId: Annotated[StrictStr, Field(pattern=r"^CVE-\d{4}-\d{4,12}$")]
    assignerShortName: Short | None = None
    datePublished: Short | None = None
    dateUpdated: Short | None = None


class _Record(_Part):
    dataType: Short
    dataVersion: Short | None = None
    cveMetadata: _Metadata
    containers: _Containers


_MESSAGES = {"model_type": "expected a JSON object", "dict_type": "expected a JSON object",
             "string_type": "expected a string", "list_type": "expected a list"}


def shape_problems(record: Any) -> list[str]:
    """``field: problem`` for each part of the record the importer cannot read (empty when it can)."""
    if not isinstance(record, dict):
        return [f"a CVE record is a JSON object, not {_json_type(record)}"]
    out = _problems(_Record, record, ())
    if out:
        return out
    for i, affected in enumerate(record["containers"]["cna"].get("affected") or ()):
        for j, version in enumerate(affected.get("versions") or ()):
            if isinstance(version, dict):
                out += _problems(_Version, version, ("containers", "cna", "affected", i, "versions", j))
    return out


def _problems(model: type[BaseModel], data: dict[str, Any], base: tuple[str | int, ...]) -> list[str]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        by_place: dict[str, str] = {}
        for err in exc.errors(include_url=False, include_input=False):
            # A union's failed alternatives add their type names to the path (advisory.str, advisory.int): one
            # problem per place is enough.
            loc = [p for p in err["loc"] if p not in ("str", "int", "constrained-str")]
            by_place.setdefault(dotted((*base, *loc)) or "record", _MESSAGES.get(err["type"]) or pydantic_message(err))
        return [f"{place}: {message}" for place, message in by_place.items()]
    return []


def _json_type(value: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false",
            type(None): "null"}.get(type(value), type(value).__name__)
