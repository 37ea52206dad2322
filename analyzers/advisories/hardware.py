"""Hardware notices: end-of-life and end-of-support facts for chassis, routing engines and line cards, matched
against the chassis inventory a snapshot holds.

    schema_version: 1
    notices:
      - id: TSB15553                     # the notice (TSB, PSN, EOL bulletin) that announced it
        kind: routing_engine             # chassis | routing_engine | line_card | control_board | other
        models: [RE-850-1536]            # model numbers as the inventory shows them (model-number)
        cli_names: [RE-850]              # descriptions as the inventory shows them (description)
        status: end_of_life              # end_of_life | end_of_support | end_of_sale
        last_order: unknown              # YYYY-MM-DD or unknown: nothing is estimated
        end_of_engineering: unknown      # no more software fixes after it
        end_of_support: unknown
        replacement: unknown
        source: {url: ..., title: ..., says: ..., read_from: ...}   # where every fact above comes from (and a
                                         # public copy of the page when the page itself is behind a login)

``load_notices(path)`` validates the file (InputError with file, line and key); ``match(notices, modules)`` gives
the notices whose model or CLI name a module of the inventory carries, with the slot as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from msplus.errors import InputError, ProblemsError
from msplus.yamlsource import check_header, load_located, pydantic_message


class NoticesError(ProblemsError):
    """A hardware-notices file that does not validate."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceIn(_Model):
    url: str = Field(pattern=r"^https?://")
    title: str
    says: str
    read_from: str | None = Field(default=None, pattern=r"^https?://")  # a public copy, when the page is not


class NoticeIn(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    kind: Literal["chassis", "routing_engine", "line_card", "control_board", "other"]
    models: list[str] = Field(default_factory=list)
    cli_names: list[str] = Field(default_factory=list)
    status: Literal["end_of_life", "end_of_support", "end_of_sale"]
    last_order: str = "unknown"
    end_of_engineering: str = "unknown"
    end_of_support: str = "unknown"
    replacement: str = "unknown"
    source: SourceIn

    @field_validator("last_order", "end_of_engineering", "end_of_support", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        if isinstance(value, date):
            return value.isoformat()
        if value != "unknown" and not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
            raise ValueError("a date is YYYY-MM-DD or unknown")
        return value


class NoticesIn(_Model):
    schema_version: int
    name: str | None = None
    notices: list[NoticeIn]


@dataclass(frozen=True, slots=True)
class Notice:
    id: str
    kind: str
    models: tuple[str, ...]
    cli_names: tuple[str, ...]
    status: str
    last_order: str
    end_of_engineering: str
    end_of_support: str
    replacement: str
    source_url: str
    source_title: str
    source_says: str
    source_copy: str | None = None

    def describe(self, found: tuple[str, ...] = ()) -> str:
        """The notice in one sentence, for ``found`` (the models the device carries) or every model it covers."""
        what = {"end_of_life": "end of life", "end_of_support": "end of support", "end_of_sale": "end of sale"}
        names = ", ".join(found or self.models or self.cli_names)
        return (f"{names}: {what[self.status]} (notice {self.id}); last order date {self.last_order}, end of "
                f"engineering {self.end_of_engineering}, end of support {self.end_of_support}, replacement "
                f"{self.replacement}.")

    def support_ended(self, on: date) -> bool | None:
        """Whether the end of support date has passed on ``on``; None when the date is unknown."""
        return None if self.end_of_support == "unknown" else date.fromisoformat(self.end_of_support) < on


@dataclass(frozen=True, slots=True)
class Hit:
    notice: Notice
    slots: tuple[str, ...]  # where the inventory shows it ("Routing Engine 0")
    evidence: tuple[str, ...]
    found: tuple[str, ...] = ()  # the models or CLI names the device carries ("EX4200-48T")


def is_notices_file(path: Path) -> bool:
    """Whether a data file is a hardware-notices file (a top-level ``notices:`` key) rather than a catalog."""
    try:
        head = path.read_text(encoding="utf-8")[:4000]
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^notices:", head, re.MULTILINE) is not None


def load_notices(path: str | Path) -> tuple[Notice, ...]:
    data, locator = load_located(path)
    header = check_header(data, locator, version=1, shape="schema_version and notices")
    if header:
        raise NoticesError(header)
    try:
        parsed = NoticesIn.model_validate(data)
    except ValidationError as exc:
        raise NoticesError([locator.error(pydantic_message(e), tuple(e["loc"]))
                            for e in exc.errors(include_url=False)][:50]) from None
    problems: list[InputError] = []
    seen: set[str] = set()
    for i, n in enumerate(parsed.notices):
        if not n.models and not n.cli_names:
            problems.append(locator.error("a notice names models or cli_names", ("notices", i)))
        if n.id in seen:
            problems.append(locator.error(f"duplicate notice id {n.id}", ("notices", i, "id")))
        seen.add(n.id)
    if problems:
        raise NoticesError(problems)
    return tuple(Notice(n.id, n.kind, tuple(n.models), tuple(n.cli_names), n.status, n.last_order,
                        n.end_of_engineering, n.end_of_support, n.replacement, n.source.url, n.source.title,
                        n.source.says, n.source.read_from)
                 for n in parsed.notices)


def match(notices: Iterable[Notice], modules: tuple[tuple[str, str, str], ...] | None,
          chassis_model: str | None = None) -> list[Hit]:
    """Notices whose model number or CLI name a module of the inventory carries, or (chassis notices) whose model
    the device is (exact, case-insensitive)."""
    chassis = (("Chassis", "", chassis_model),) if chassis_model else ()
    everything = (*chassis, *(modules or ()))
    out = []
    for notice in notices:
        models = {m.upper() for m in notice.models}
        names = {n.upper() for n in notice.cli_names}
        slots = [(slot, desc, model) for slot, desc, model in everything
                 if (model and model.upper() in models) or (desc and desc.upper() in names)]
        if slots:
            out.append(Hit(notice, tuple(s for s, _, _ in slots), tuple(
                f"the device's model is {model.upper()}" if slot == "Chassis" and not desc else
                f"chassis inventory: {slot} is {model or desc}" for slot, desc, model in slots),
                tuple(dict.fromkeys((model or desc).upper() for _, desc, model in slots))))
    return out
