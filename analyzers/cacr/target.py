"""One configuration to check (a file or a snapshot device folder) and the check itself: shared by the
``config check`` command and the CACR service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analyzers.cacr.context import Context, Facts, with_config_facts
from analyzers.cacr.engine import Report, evaluate
from analyzers.cacr.rules import RuleSet
from msplus.junosconf import load


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    path: Path  # the configuration file, or the device folder
    folder: Path | None
    facts: Facts


def check_target(target: Target, ruleset: RuleSet) -> Report:
    """Read and check one configuration. Raises InputError (ConfigSyntaxError with line and column) when it cannot
    be read."""
    raw = load(target.path)
    effective = raw.effective()
    facts = with_config_facts(target.facts, effective)
    ctx = Context(effective, facts, raw=raw, folder=target.folder)
    return evaluate(ruleset.rules, ctx, device=device_name(target, facts))


def device_name(target: Target, facts: Facts) -> str:
    """The snapshot folder's name; for a plain file, the configured host name (else the file name)."""
    return target.name if target.folder is not None else (facts.hostname or target.name)
