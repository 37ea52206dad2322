"""Best-practice rule files: the schema, loading with precise errors, and the compiled rules the engine runs.

    schema_version: 1
    rules:
      - id: SEC-TELNET                          # unique across the files loaded together
        title: Telnet service is enabled
        category: security                      # security | resilience | scalability | efficiency
        severity: high                          # critical | high | medium | low | info
        applies: {families: [mx, srx], evolved: false, roles: [edge], dual_re: true, cluster: true,
                  virtual_chassis: true}        # all optional; a fact that is not known skips the rule
        check: {kind: forbid, forbid: ["system services telnet"]}
        message: "Telnet is enabled: {path}"    # placeholders: see below
        rationale: "..."
        remediation: ["delete {path}"]          # set/delete/deactivate/activate/... lines (or "request ...")
        references: ["https://..."]

Check kinds (patterns: analyzers/cacr/patterns.py; a relative pattern is read from inside the item):
  require       require: [patterns] (any one must match, at least ``min`` times); when: [patterns] (only if one
                matches). Placeholders {count} {min}.
  forbid        forbid: [patterns] (every match is a finding); when: [patterns]. Placeholders {path} {1}..{n}.
  require_each  for_each: [patterns]; when: [patterns] (as above); exclude: [patterns] (items they match are
                left out); where: [relative] (all must hold for the item to count); unless: [relative] (none may
                hold); require: [relative] (one must hold, else a finding); inherit: N (relative patterns are also
                looked for up to N statements above the item: a BGP neighbour inherits from its group and from
                protocols bgp).
                Placeholders {path} (the item) {1}..{n} (its wildcards).
  forbid_each   the same with forbid: [relative] (a finding when all ``where`` hold and one ``forbid`` does).
  named         name: a check of analyzers/cacr/checks.py; params: that check's parameters. Placeholders: the
                check's own.

``load_rules(paths)`` validates everything (schema_version first, the shape with pydantic, then patterns, check
names and parameters, placeholders and remediation lines) and raises RuleFileError naming file, line, column,
rule id and key for every problem found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analyzers.cacr.checks import REGISTRY, NamedCheck, Params
from analyzers.cacr.patterns import Pattern, parse_pattern
from msplus import shipped
from msplus.catalogfile import CatalogFormat, read_located, validate_catalog
from msplus.errors import InputError, ProblemsError
from msplus.families import known_families
from msplus.kinds import Severity
from msplus.yamlsource import Loc, Locator, item_id, pydantic_message

SCHEMA_VERSION = 1
DEFAULT_RULES = shipped.catalog("cacr-rules.yaml")
CATEGORIES = ("security", "resilience", "scalability", "efficiency")
CHECK_KINDS = ("require", "forbid", "require_each", "forbid_each", "named")
REMEDIATION_VERBS = ("set", "delete", "deactivate", "activate", "insert", "rename", "request")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class RuleFileError(ProblemsError):
    """A rule file that does not validate. ``problems`` holds every problem found (the message names the first)."""



# ---------------------------------------------------------------------------------------------- schema

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppliesIn(_Model):
    families: list[str] | None = None
    evolved: bool | None = None
    roles: list[str] | None = None
    dual_re: bool | None = None
    cluster: bool | None = None
    virtual_chassis: bool | None = None


class RequireIn(_Model):
    kind: Literal["require"]
    require: list[str] = Field(min_length=1)
    when: list[str] = Field(default_factory=list)
    min: int = Field(default=1, ge=1)


class ForbidIn(_Model):
    kind: Literal["forbid"]
    forbid: list[str] = Field(min_length=1)
    when: list[str] = Field(default_factory=list)


class _EachIn(_Model):
    """What require_each and forbid_each share: the statements to visit and which of them count."""

    for_each: list[str] = Field(min_length=1)
    when: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    where: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    inherit: int = Field(default=0, ge=0, le=6)


class RequireEachIn(_EachIn):
    kind: Literal["require_each"]
    require: list[str] = Field(min_length=1)


class ForbidEachIn(_EachIn):
    kind: Literal["forbid_each"]
    forbid: list[str] = Field(min_length=1)


class NamedIn(_Model):
    kind: Literal["named"]
    name: str
    params: dict[str, Any] = Field(default_factory=dict)


CheckIn = Annotated[RequireIn | ForbidIn | RequireEachIn | ForbidEachIn | NamedIn, Field(discriminator="kind")]


class RuleIn(_Model):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
    title: str = Field(min_length=1)
    category: Literal["security", "resilience", "scalability", "efficiency"]
    severity: Severity
    applies: AppliesIn = Field(default_factory=AppliesIn)
    check: CheckIn
    message: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    remediation: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    note: str | None = None


class RuleFileIn(_Model):
    schema_version: int
    name: str | None = None
    description: str | None = None
    rules: list[RuleIn]


# ---------------------------------------------------------------------------------------------- compiled

@dataclass(frozen=True, slots=True)
class Template:
    """Text with ``{placeholder}`` parts, filled by ``render``; placeholders are checked when the file loads."""

    text: str

    def render(self, values: dict[str, str]) -> str:
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), self.text)


@dataclass(frozen=True, slots=True)
class Applies:
    families: tuple[str, ...] | None = None
    evolved: bool | None = None
    roles: tuple[str, ...] | None = None
    dual_re: bool | None = None
    cluster: bool | None = None
    virtual_chassis: bool | None = None


@dataclass(frozen=True, slots=True)
class Require:
    require: tuple[Pattern, ...]
    when: tuple[Pattern, ...] = ()
    min: int = 1


@dataclass(frozen=True, slots=True)
class Forbid:
    forbid: tuple[Pattern, ...]
    when: tuple[Pattern, ...] = ()


@dataclass(frozen=True, slots=True)
class Each:
    """require_each (``forbid`` False: one of ``targets`` must hold) or forbid_each (True: none may)."""

    for_each: tuple[Pattern, ...]
    targets: tuple[Pattern, ...]
    forbid: bool = False
    exclude: tuple[Pattern, ...] = ()
    where: tuple[Pattern, ...] = ()
    unless: tuple[Pattern, ...] = ()
    inherit: int = 0
    when: tuple[Pattern, ...] = ()


@dataclass(frozen=True, slots=True)
class Named:
    check: NamedCheck
    params: Params


Check = Require | Forbid | Each | Named


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    category: str
    severity: Severity
    applies: Applies
    check: Check
    message: Template
    rationale: str
    remediation: tuple[Template, ...]
    references: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    paths: tuple[str, ...]


# ---------------------------------------------------------------------------------------------- loading

def load_rules(paths: Sequence[str | Path] = ()) -> RuleSet:
    """Load and validate rule files (the shipped catalog when ``paths`` is empty); ids must be unique across them.
    Raises RuleFileError with every problem."""
    files = [Path(p) for p in paths] or [DEFAULT_RULES]
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    problems: list[InputError] = []
    for path in files:
        try:
            loaded = load_rule_file(path)
        except RuleFileError as exc:
            problems.extend(exc.problems)
            continue
        for rule in loaded:
            if rule.id in seen:
                problems.append(InputError(f"rule {rule.id} is also in {seen[rule.id]}", path=str(path),
                                           key="rules"))
            seen[rule.id] = str(path)
        rules.extend(loaded)
    if problems:
        raise RuleFileError(problems)
    return RuleSet(tuple(rules), tuple(str(p) for p in files))


def load_rule_file(path: str | Path) -> list[Rule]:
    data, locator = read_located(path, RULE_FILE_FORMAT)
    return validate(data, locator)


def validate(data: Any, locator: Locator) -> list[Rule]:
    def compile_rule(model: RuleIn, loc: Loc, problems: list[InputError]) -> Rule | None:
        return _compile(model, loc, locator, problems)

    return list(validate_catalog(data, locator, RULE_FILE_FORMAT, compile_rule).items)


def _pydantic_problem(err: Any, data: dict[str, Any], locator: Locator) -> InputError:
    loc = list(err["loc"])
    kind = err["type"]
    # a discriminated union puts the tag in the location: rules[0].check.require_each.inherit
    for i in range(len(loc) - 1):
        if loc[i] == "check" and loc[i + 1] in CHECK_KINDS:
            del loc[i + 1]
            break
    if kind == "union_tag_invalid":
        tag = (err.get("ctx") or {}).get("tag")
        message = f"unknown check kind {tag!r} (known: {', '.join(CHECK_KINDS)})"
        loc.append("kind")
    elif kind == "union_tag_not_found":
        message = f"the check has no kind (one of {', '.join(CHECK_KINDS)})"
    else:
        message = pydantic_message(err)
    return _error(locator, message, tuple(loc), item_id(data, loc, "rules"))


def _error(locator: Locator, problem: str, loc: Loc, rule_id: object = None) -> InputError:
    where = f" (rule {rule_id})" if rule_id else ""
    return locator.error(problem + where, loc)


class _Compiler:
    """Compiles one rule, collecting every problem with its location."""

    def __init__(self, model: RuleIn, loc: Loc, locator: Locator, problems: list[InputError]) -> None:
        self.model = model
        self.loc = loc
        self.locator = locator
        self.problems = problems

    def problem(self, message: str, *key: str | int) -> None:
        self.problems.append(_error(self.locator, message, (*self.loc, *key), self.model.id))

    def patterns(self, texts: list[str], key: str, *, relative: bool = False) -> tuple[Pattern, ...]:
        out = []
        for i, text in enumerate(texts):
            try:
                pattern = parse_pattern(text)
            except ValueError as exc:
                self.problem(f"bad pattern {text!r}: {exc}", "check", key, i)
                continue
            if relative and pattern.anywhere:
                self.problem(f"bad pattern {text!r}: '...' is not allowed in a relative pattern", "check", key, i)
                continue
            out.append(pattern)
        return tuple(out)

    def check(self) -> tuple[Check | None, frozenset[str]]:
        """The compiled check and the placeholders its findings fill in."""
        c = self.model.check
        if isinstance(c, RequireIn):
            return Require(self.patterns(c.require, "require"), self.patterns(c.when, "when"), c.min), \
                frozenset({"count", "min"})
        if isinstance(c, ForbidIn):
            forbid = self.patterns(c.forbid, "forbid")
            return Forbid(forbid, self.patterns(c.when, "when")), _item_placeholders(forbid)
        if isinstance(c, RequireEachIn | ForbidEachIn):
            for_each = self.patterns(c.for_each, "for_each")
            targets = self.patterns(c.require if isinstance(c, RequireEachIn) else c.forbid,
                                    "require" if isinstance(c, RequireEachIn) else "forbid", relative=True)
            return Each(for_each, targets, isinstance(c, ForbidEachIn), self.patterns(c.exclude, "exclude"),
                        self.patterns(c.where, "where", relative=True),
                        self.patterns(c.unless, "unless", relative=True), c.inherit,
                        self.patterns(c.when, "when")), _item_placeholders(for_each)
        return self.named(c)

    def named(self, c: NamedIn) -> tuple[Check | None, frozenset[str]]:
        found = REGISTRY.get(c.name)
        if found is None:
            self.problem(f"unknown check {c.name!r} (known: {', '.join(sorted(REGISTRY))})", "check", "name")
            return None, frozenset()
        try:
            params = found.params.model_validate(c.params)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                message = "unknown parameter" if err["type"] == "extra_forbidden" else err["msg"]
                self.problem(f"{message} for check {c.name}", "check", "params", *err["loc"])
            return None, found.placeholders
        return Named(found, params), found.placeholders

    def template(self, text: str, allowed: frozenset[str] | None, *key: str | int) -> Template:
        """``allowed`` None: the check itself is wrong (already reported), its placeholders unknown."""
        if allowed is None:
            return Template(text)
        for name in _PLACEHOLDER.findall(text):
            if name not in allowed:
                known = ", ".join("{" + p + "}" for p in sorted(allowed)) or "none"
                self.problem(f"unknown placeholder {{{name}}} (this check fills in: {known})", *key)
        if text.count("{") != text.count("}"):
            self.problem("unbalanced '{' '}'", *key)
        return Template(text)

    def applies(self) -> Applies:
        a = self.model.applies
        if a.families is not None:
            known = known_families()
            for i, family in enumerate(a.families):
                if family not in known:
                    self.problem(f"unknown platform family {family!r} (known: {', '.join(sorted(known))})",
                                 "applies", "families", i)
        return Applies(tuple(a.families) if a.families is not None else None, a.evolved,
                       tuple(a.roles) if a.roles is not None else None, a.dual_re, a.cluster, a.virtual_chassis)


def _compile(model: RuleIn, loc: Loc, locator: Locator, problems: list[InputError]) -> Rule | None:
    before = len(problems)
    c = _Compiler(model, loc, locator, problems)
    check, known = c.check()
    placeholders = known if check is not None or known else None
    applies = c.applies()
    message = c.template(model.message, placeholders, "message")
    remediation = []
    for i, line in enumerate(model.remediation):
        remediation.append(c.template(line, placeholders, "remediation", i))
        verb = line.split(None, 1)[0] if line.strip() else ""
        if verb not in REMEDIATION_VERBS:
            c.problem(f"a remediation line starts with one of {', '.join(REMEDIATION_VERBS)} (found {verb!r})",
                      "remediation", i)
    if len(problems) > before or check is None:
        return None
    return Rule(model.id, model.title, model.category, model.severity, applies, check, message,
                model.rationale.strip(), tuple(remediation), tuple(model.references), locator.path)


def _item_placeholders(patterns: tuple[Pattern, ...]) -> frozenset[str]:
    """{path} and one {n} per wildcard every pattern has (a placeholder must be fillable whichever matched)."""
    count = min((p.wildcards for p in patterns), default=0)
    return frozenset({"path", *(str(n) for n in range(1, count + 1))})


RULE_FILE_FORMAT = CatalogFormat(model=RuleFileIn, error=RuleFileError, version=SCHEMA_VERSION, list_key="rules",
                                 item_word="rule", shape="schema_version and rules", translate=_pydantic_problem)
