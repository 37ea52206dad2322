"""The one loader for versioned YAML catalogs: advisory catalogs, CACR rule files, health thresholds.

Every such file goes through the same steps, in this order, so that its problems read the same whichever file it is:
read with locations (unreadable file, invalid YAML, duplicate key: one located problem) -> header (a mapping with
the ``schema_version`` this tool reads) -> the file's pydantic schema (every problem located, at most
``MAX_PROBLEMS``) -> duplicate item ids -> each item compiled by the caller (its own semantic checks) -> a final
whole-file check. All problems found are raised together as the caller's ``ProblemsError`` subclass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from msplus.errors import InputError, ProblemsError
from msplus.yamlsource import Loc, Locator, check_header, item_id, load_located, pydantic_message

MAX_PROBLEMS = 50  # a file with more problems than this is wrong in one systematic way; the first ones say how

FileModel = TypeVar("FileModel", bound=BaseModel)
Item = TypeVar("Item")


@dataclass(frozen=True)
class CatalogFormat(Generic[FileModel]):
    """What distinguishes one kind of catalog file from another."""

    model: type[FileModel]  # the whole file's pydantic schema
    error: type[ProblemsError]  # raised with every problem found
    version: int  # the schema_version this tool reads
    list_key: str  # the key of the item list: "entries", "rules", "checks"
    item_word: str  # how messages name one item: "entry", "rule", "check"
    shape: str  # what the top-level mapping holds, for the header message
    # A pydantic error in the project's words (None: the common translation). Gets (error, data, locator).
    translate: Callable[[Any, Any, Locator], InputError] | None = None


@dataclass(frozen=True)
class LoadedCatalog(Generic[FileModel, Item]):
    parsed: FileModel
    items: tuple[Item, ...]
    locator: Locator


def read_located(path: str | Path, fmt: CatalogFormat[Any]) -> tuple[Any, Locator]:
    """The file's data with locations; an unreadable or invalid file is ``fmt.error`` with its one problem."""
    try:
        return load_located(path)
    except InputError as exc:
        raise fmt.error([exc]) from exc


def validate_catalog(
    data: Any,
    locator: Locator,
    fmt: CatalogFormat[FileModel],
    compile_item: Callable[[Any, Loc, list[InputError]], Item | None],
    finish: Callable[[FileModel, Sequence[str]], list[InputError]] | None = None,
) -> LoadedCatalog[FileModel, Item]:
    """Header, schema, duplicate ids, each item through ``compile_item(model, loc, problems)`` (which appends its
    problems and returns None for an item it refuses), then ``finish(parsed, ids)`` for whole-file rules.
    Raises ``fmt.error`` with every problem found."""
    header = check_header(data, locator, version=fmt.version, shape=fmt.shape)
    if header:
        raise fmt.error(header)
    try:
        parsed = fmt.model.model_validate(data)
    except ValidationError as exc:
        translate = fmt.translate or _common_translation(fmt)
        found = [translate(err, data, locator) for err in exc.errors(include_url=False)]
        raise fmt.error(found[:MAX_PROBLEMS]) from None
    problems: list[InputError] = []
    items: list[Item] = []
    first: dict[str, int] = {}
    for index, model in enumerate(getattr(parsed, fmt.list_key)):
        loc: Loc = (fmt.list_key, index)
        item_id_ = model.id
        if item_id_ in first:
            problems.append(locator.error(
                f"duplicate id (first at {fmt.list_key}[{first[item_id_]}]) ({fmt.item_word} {item_id_})",
                (*loc, "id")))
            continue
        first[item_id_] = index
        item = compile_item(model, loc, problems)
        if item is not None:
            items.append(item)
    if finish is not None:
        problems.extend(finish(parsed, tuple(first)))
    if problems:
        raise fmt.error(problems[:MAX_PROBLEMS])
    return LoadedCatalog(parsed, tuple(items), locator)


def located_problem(locator: Locator, fmt: CatalogFormat[Any], problem: str, loc: Loc, data: Any = None) -> InputError:
    """A problem at ``loc``, naming the item it is in (``(rule ssh-v2)``) when the location points into the list."""
    owner = item_id(data, loc, fmt.list_key) if data is not None else None
    return locator.error(problem + (f" ({fmt.item_word} {owner})" if owner else ""), loc)


def _common_translation(fmt: CatalogFormat[Any]) -> Callable[[Any, Any, Locator], InputError]:
    def translate(err: Any, data: Any, locator: Locator) -> InputError:
        # pydantic puts the tried type in the location of a union member ("float", "int"): not a key of the file
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in {"float", "int", "str"}))
        return located_problem(locator, fmt, pydantic_message(err), loc, data)

    return translate
