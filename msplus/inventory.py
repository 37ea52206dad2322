"""The inventory file: who the work is for and which devices to assess, validated with exact places.

Credentials: ``password`` inline (lab inventories), ``password_env`` (an environment variable), ``password_prompt``
(asked once per distinct prompt by the caller's ``prompt`` function; library code never prompts by itself), or none
(SSH keys, the agent, ``~/.ssh/config``). A password never appears in an error message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from msplus.errors import InventoryError
from msplus.limits import check_date, limits
from msplus.records import DRIVERS, CareContract, Contact, Customer, Device, Inventory
from msplus.secrets import Secret
from msplus.yamlsource import Locator, load_located, pydantic_message

_LIMITS = limits().inventory
# A device name is also its snapshot folder name. fullmatch: "$" would let a trailing newline through.
_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{_LIMITS.max_name_length - 1}}}")
# Every other string: bounded, and one line of printable text (it reaches folder names, logs and reports).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(value: str) -> str:
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"control character {bad.group()!r} at position {bad.start() + 1}; one line of text expected")
    return value


Text = Annotated[str, StringConstraints(max_length=_LIMITS.max_text_length), AfterValidator(_one_line)]
Port = Annotated[int, Field(ge=_LIMITS.port[0], le=_LIMITS.port[1])]
Timeout = Annotated[float, Field(ge=_LIMITS.timeout_seconds[0], le=_LIMITS.timeout_seconds[1], allow_inf_nan=False)]
ConnectTimeout = Annotated[float, Field(ge=_LIMITS.connect_timeout_seconds[0], le=_LIMITS.connect_timeout_seconds[1],
                                        allow_inf_nan=False)]

Megabytes = Annotated[float, Field(gt=0, le=_LIMITS.max_reply_megabytes, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class _ContactIn(_Model):
    name: Text
    email: Text
    certification: Text | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value


class _ContactsIn(_Model):
    lead: _ContactIn | None = None
    technical: list[_ContactIn] = Field(default_factory=list)


class _ContractIn(_Model):
    id: Text
    start: date
    end: date
    serials: list[Text] = Field(default_factory=list)

    @field_validator("start", "end")
    @classmethod
    def _sane(cls, value: date) -> date:
        return check_date(value)

    @model_validator(mode="after")
    def _order(self) -> _ContractIn:
        if self.end < self.start:
            raise ValueError(f"contract ends ({self.end}) before it starts ({self.start})")
        return self


class _CustomerIn(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=_LIMITS.max_name_length)
    name: Text
    theater: Text
    country: str = Field(min_length=2, max_length=2)
    prequalified: bool = False
    care_contract: _ContractIn | None = None
    contacts: _ContactsIn = Field(default_factory=_ContactsIn)


class _Access(_Model):
    """Settings a device can take from ``defaults``."""

    driver: str | None = None
    port: Port | None = None
    username: Text | None = None
    password: str | None = Field(default=None, max_length=_LIMITS.max_text_length)
    password_env: Text | None = None
    password_prompt: bool | None = None
    key_file: Text | None = None
    ssh_config: Text | None = None
    timeout: Timeout | None = None
    connect_timeout: ConnectTimeout | None = None
    max_reply_megabytes: Megabytes | None = None

    @field_validator("driver")
    @classmethod
    def _driver(cls, value: str | None) -> str | None:
        if value is not None and value not in DRIVERS:
            raise ValueError(f"unknown driver {value!r}; expected one of {', '.join(DRIVERS)}")
        return value


class _DeviceIn(_Access):
    name: str
    host: Text | None = None
    files: Text | None = None
    simulate: Text | None = None
    site: Text | None = None
    role: Text | None = None
    tags: list[Text] = Field(default_factory=list)
    serial: Text | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.fullmatch(value):
            raise ValueError(f"device name {value!r} must be letters, digits, '.', '_' or '-' (it names a folder)")
        return value


class _InventoryIn(_Model):
    customer: _CustomerIn | None = None
    defaults: _Access = Field(default_factory=_Access)
    known_hosts: Text | None = None
    devices: list[_DeviceIn] = Field(min_length=1, max_length=_LIMITS.max_devices)


Prompt = Callable[[str], str]


def load_inventory(
    path: str | Path, *, prompt: Prompt | None = None, environ: dict[str, str] | None = None,
    resolve_passwords: bool = True,
) -> Inventory:
    """Read and validate an inventory. Raises InventoryError naming file, line, column and key.

    ``resolve_passwords=False`` (the central node of a distributed run): ``password_env`` variables are not read
    (the site workers read them), so they need not be set here; each Device keeps the variable's name only.
    """
    path = Path(path).resolve()
    data, locator = load_located(path, InventoryError)
    if not isinstance(data, dict):
        raise InventoryError("an inventory is a mapping with customer, defaults and devices", path=str(path), line=1)
    try:
        parsed = _InventoryIn.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc, locator) from None
    env = os.environ if environ is None else environ
    return _build(parsed, path, locator, env if resolve_passwords else None, prompt)


def _first_error(exc: ValidationError, locator: Locator) -> InventoryError:
    err = exc.errors(include_url=False, include_input=False)[0]
    error = locator.error(pydantic_message(err), err["loc"], InventoryError)
    return error  # type: ignore[return-value]


def _build(parsed: _InventoryIn, path: Path, locator: Locator, env: Any, prompt: Prompt | None) -> Inventory:
    base = path.parent
    seen: dict[str, int] = {}
    endpoints: dict[tuple[str, int], str] = {}
    prompted: dict[str, Secret] = {}
    devices = []
    for index, dev in enumerate(parsed.devices):
        loc: tuple[str | int, ...] = ("devices", index)
        if dev.name in seen:
            raise locator.error(f"duplicate device name (first at devices[{seen[dev.name]}])", (*loc, "name"),
                                InventoryError)
        seen[dev.name] = index
        merged = _merge(parsed.defaults, dev)
        driver = merged.get("driver") or "pyez"
        port = merged.get("port") or 830
        if driver == "offline":
            if not dev.files:
                raise locator.error("driver offline needs files: (a folder of customer files)", loc, InventoryError)
        elif not dev.host:
            hint = " (or driver: offline with files:)" if dev.files else ""
            raise locator.error(f"host is required for driver {driver}{hint}", loc, InventoryError)
        if dev.host and driver != "offline":
            endpoint = (dev.host, port)
            if endpoint in endpoints:
                raise locator.error(f"{dev.host}:{port} is also used by device {endpoints[endpoint]}", (*loc, "host"),
                                    InventoryError)
            endpoints[endpoint] = dev.name
        devices.append(
            Device(
                name=dev.name,
                host=dev.host,
                port=port,
                driver=driver,
                username=merged.get("username"),
                password_env=merged.get("password_env") if merged.get("password") is None else None,
                password=_password(merged, dev.name, loc if _own_credentials(dev) else ("defaults",), locator, env,
                                   prompt, prompted),
                key_file=_path(base, merged.get("key_file"), locator, (*loc, "key_file"), must_exist=True),
                ssh_config=_path(base, merged.get("ssh_config"), locator, (*loc, "ssh_config"), must_exist=True),
                files=_path(base, dev.files, locator, (*loc, "files"), must_exist=True, folder=True),
                simulate=_path(base, dev.simulate, locator, (*loc, "simulate"), must_exist=True, folder=True),
                site=dev.site,
                role=dev.role,
                tags=tuple(dev.tags),
                serial=dev.serial,
                timeout=merged.get("timeout") or 30.0,
                connect_timeout=merged.get("connect_timeout") or 10.0,
                max_reply_bytes=_megabytes(merged.get("max_reply_megabytes")),
            )
        )
    known_hosts = _path(base, parsed.known_hosts, locator, ("known_hosts",), must_exist=False)
    return Inventory(path=path, customer=_customer(parsed.customer), devices=tuple(devices), known_hosts=known_hosts)


def _megabytes(value: float | None) -> int | None:
    return int(value * 2**20) if value is not None else None


def _own_credentials(dev: _DeviceIn) -> bool:
    return any(getattr(dev, k) is not None for k in ("password", "password_env", "password_prompt"))


def _merge(defaults: _Access, dev: _DeviceIn) -> dict[str, Any]:
    merged = defaults.model_dump(exclude_none=True)
    merged.update({k: v for k, v in dev.model_dump(exclude_none=True).items() if k in _Access.model_fields})
    # A device's own credential choice replaces the defaults' (an inline password must not override its env var).
    if _own_credentials(dev):
        for k in ("password", "password_env", "password_prompt"):
            if getattr(dev, k) is None:
                merged.pop(k, None)
    return merged


def _password(merged: dict[str, Any], name: str, loc: tuple[str | int, ...], locator: Locator, env: Any,
              prompt: Prompt | None, prompted: dict[str, Secret]) -> Secret | None:
    if merged.get("password") is not None:
        return Secret(str(merged["password"]))
    var = merged.get("password_env")
    if var and env is None:  # left to whoever connects (a site worker's own environment)
        return None
    if var:
        value = env.get(var)
        if value is None:
            raise locator.error(f"environment variable {var} is not set (password for {name})",
                                (*loc, "password_env"), InventoryError)
        return Secret(value)
    if merged.get("password_prompt") and env is None:
        raise locator.error("password_prompt cannot be used for a run on the task queue (a password never travels "
                            "through the broker): use password_env and give the variable to the site workers",
                            (*loc, "password_prompt"), InventoryError)
    if merged.get("password_prompt"):
        user = merged.get("username") or ""
        if prompt is None:
            raise locator.error("password_prompt needs an interactive terminal", (*loc, "password_prompt"),
                                InventoryError)
        if user not in prompted:  # ask once per username, not once per device
            prompted[user] = Secret(prompt(f"Password for {user or 'devices'}: "))
        return prompted[user]
    return None


def _path(base: Path, value: str | None, locator: Locator, loc: tuple[str | int, ...], *, must_exist: bool,
          folder: bool = False) -> Path | None:
    if value is None:
        return None
    path = (base / Path(value).expanduser()).resolve()
    if must_exist and not path.exists():
        raise locator.error(f"{value} does not exist (looked for {path})", loc, InventoryError)
    if folder and must_exist and not path.is_dir():
        raise locator.error(f"{value} is not a folder", loc, InventoryError)
    return path


def _customer(c: _CustomerIn | None) -> Customer | None:
    if c is None:
        return None
    contract = None
    if c.care_contract:
        cc = c.care_contract
        contract = CareContract(id=cc.id, start=cc.start, end=cc.end, serials=tuple(cc.serials))
    lead = _contact(c.contacts.lead) if c.contacts.lead else None
    return Customer(
        id=c.id,
        name=c.name,
        theater=c.theater,
        country=c.country.upper(),
        prequalified=c.prequalified,
        care_contract=contract,
        lead=lead,
        technical=tuple(_contact(t) for t in c.contacts.technical),
    )


def _contact(c: _ContactIn) -> Contact:
    return Contact(name=c.name, email=c.email, certification=c.certification)
