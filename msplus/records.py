"""Typed records that pass between the pipeline's stages.

inventory (Inventory, Customer, Device) -> collectors (CollectionResult, RawReply) -> snapshot on disk
-> analyzers (DeviceProfile, Finding) -> reports. Records are frozen: a stage never edits what it was given.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from msplus.kinds import FailureKind
from msplus.secrets import Secret

DRIVERS = ("pyez", "netmiko", "napalm", "offline")


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    certification: str | None = None


@dataclass(frozen=True, slots=True)
class CareContract:
    id: str
    start: date
    end: date
    serials: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    name: str
    theater: str
    country: str
    prequalified: bool
    care_contract: CareContract | None
    lead: Contact | None
    technical: tuple[Contact, ...] = ()


@dataclass(frozen=True, slots=True)
class Device:
    """One device of an inventory, with everything needed to reach it (or read its files).

    ``password`` is a Secret and never printed; ``password_env`` names the environment variable it is read from
    (a site worker of a distributed run resolves that name itself). ``files`` is a customer-files folder (driver
    offline); ``simulate`` a simulated-device folder served by ``lab serve``. Paths are absolute.
    """

    name: str
    host: str | None = None
    port: int = 830
    driver: str = "pyez"
    username: str | None = None
    password: Secret | None = field(default=None, repr=False)
    password_env: str | None = None  # the variable the password came from (what a site worker looks up itself)
    key_file: Path | None = None
    ssh_config: Path | None = None
    files: Path | None = None
    simulate: Path | None = None
    site: str | None = None
    role: str | None = None
    tags: tuple[str, ...] = ()
    serial: str | None = None
    timeout: float = 30.0
    connect_timeout: float = 10.0
    max_reply_bytes: int | None = None  # a reply longer than this is cut (None: collect.max_reply_bytes of limits.yaml)


@dataclass(frozen=True, slots=True)
class Inventory:
    path: Path
    customer: Customer | None
    devices: tuple[Device, ...]
    known_hosts: Path | None = None

    def device(self, name: str) -> Device:
        for dev in self.devices:
            if dev.name == name:
                return dev
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Request:
    """One item of a collection plan: an RPC (with arguments) and the CLI command that yields the same reply."""

    purpose: str  # facts | configuration | health
    rpc: str
    args: tuple[tuple[str, str | bool], ...] = ()
    cli: str | None = None
    file: str = ""  # file name in the snapshot folder
    optional: bool = False  # an error reply is expected on some platforms and is not a device failure


@dataclass(frozen=True, slots=True)
class RawReply:
    """One reply as received, saved in the snapshot folder under ``file``."""

    file: str
    rpc: str
    purpose: str
    sha256: str
    size: int
    seconds: float
    ok: bool = True
    error: str | None = None


@dataclass(frozen=True, slots=True)
class CollectionResult:
    """What happened when one device was collected. A failure is data: ``ok`` False, ``error_kind`` and ``error``."""

    device: str
    collector: str
    ok: bool
    replies: tuple[RawReply, ...] = ()
    error_kind: FailureKind | None = None
    error: str | None = None
    started: str = ""
    seconds: float = 0.0
    host_key: str | None = None  # "ssh-ed25519 SHA256:..." as seen on connect
    host_key_verified: bool = False
    # Required replies the source did not give although the device's profile is complete (an offline folder with
    # `show version` only): the device is "partial", assessed on what there is, not failed.
    missing: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """ok | partial | failed."""
        return "failed" if not self.ok else "partial" if self.missing else "ok"


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a virtual chassis, or a node of a chassis cluster."""

    id: str
    role: str | None = None
    model: str | None = None
    serial_number: str | None = None
    status: str | None = None
    priority: int | None = None


@dataclass(frozen=True, slots=True)
class Module:
    """One module of the chassis inventory: ``slot`` is its place ("FPC 2", "FPC 2 / MIC 0"), ``kind`` what it is
    (chassis, routing_engine, fpc, mic, pic, control_board, power, fan, other)."""

    slot: str
    kind: str
    description: str | None = None
    model_number: str | None = None
    part_number: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    """What the analyzers match against: platform, exact release, hardware shape."""

    hostname: str | None
    model: str | None
    family: str | None
    version: str | None
    evolved: bool
    serial_number: str | None
    routing_engines: int
    uptime_seconds: int | None
    members: tuple[Member, ...] = ()
    virtual_chassis: bool = False
    cluster: bool = False
    re_models: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # what could not be worked out, and why
    modules: tuple[Module, ...] | None = None  # the chassis inventory's modules; None: no inventory was read

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of an analysis for one device, with the evidence that supports it."""

    device: str
    check: str
    severity: str
    title: str
    message: str
    evidence: tuple[str, ...] = ()
    recommendation: str | None = None
    category: str | None = None
