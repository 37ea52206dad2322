"""The schema of a simulated device's ``device.yaml``, and its validation with precise errors.

Every key is optional; an absent file means "answer every RPC from the folder, no faults". Example::

    schema_version: 1
    description: MX480 with two routing engines
    credentials: {username: lab, password: lab123, authorized_keys: [keys/lab.pub]}
    latency: {default: 0.0, get-configuration: 0.2}     # or one number: seconds added to every RPC
    netconf: {versions: ["1.0", "1.1"]}                  # framings offered in the server hello
    cli: {prompt_context: "{master:0}"}                  # line printed above each CLI prompt
    variants:                                            # replies chosen by RPC arguments
      - {rpc: file-show, args: {filename: /etc/hosts.junos}, file: file-show@hosts.xml}
    commands:                                            # CLI commands beyond msplus/data/commands.yaml
      - {cli: show bridge mac-table count, file: command@bridge-mac-count.xml}
    faults:
      refuse_connection: false      # nothing listens: clients get "connection refused"
      reject_auth: false            # every authentication attempt fails
      hang_on: [get-bgp-summary-information]         # never answered; the session stays open
      disconnect_after_rpcs: 5      # in each session, the connection drops when a 6th RPC arrives
      disconnect_on: [get-fpc-information]           # connection dropped when this RPC arrives
      malformed_xml: [get-system-storage]            # reply is not well-formed XML
      large_reply: {rpc: get-interface-information, megabytes: 20}
      entity_expansion: [get-system-core-dumps]      # reply declares a billion-laughs DTD
      external_entity: [get-commit-information]      # reply declares an external (file://) entity

XML faults apply to NETCONF replies and to the CLI's ``| display xml`` alike; hang, disconnect and latency apply to
CLI commands through the RPC they map to. Tests may change any fault on a running device (``lab.device(name).faults``).

Errors are raised as DeviceFolderError naming the file, the line, the key (``faults.hang_on[0]``) and the problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from msplus.errors import DeviceFolderError
from msplus.yamlsource import Locator, load_located

RPC_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
Seconds = Annotated[float, Field(ge=0, le=3600)]


def _rpc_name(name: str) -> str:
    if not RPC_NAME.match(name):
        raise ValueError(f"{name!r} is not an RPC name (lower-case words joined by '-')")
    return name


RpcName = Annotated[str, AfterValidator(_rpc_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Credentials(_Strict):
    username: str | None = None
    password: str | None = None
    authorized_keys: list[str] = []  # OpenSSH public key lines, or files relative to the device folder


class Netconf(_Strict):
    versions: list[Literal["1.0", "1.1"]] = Field(default=["1.0", "1.1"], min_length=1)


class Cli(_Strict):
    prompt_context: str | None = None


class Variant(_Strict):
    rpc: RpcName
    args: dict[str, str | bool] = Field(min_length=1)
    file: str


class Command(_Strict):
    cli: str = Field(min_length=1)
    file: str


class LargeReply(_Strict):
    rpc: RpcName
    megabytes: float = Field(gt=0, le=512)


class Faults(_Strict):
    refuse_connection: bool = False
    reject_auth: bool = False
    hang_on: list[RpcName] = []
    disconnect_after_rpcs: int | None = Field(default=None, ge=1)
    disconnect_on: list[RpcName] = []
    malformed_xml: list[RpcName] = []
    large_reply: LargeReply | None = None
    entity_expansion: list[RpcName] = []
    external_entity: list[RpcName] = []


class DeviceYaml(_Strict):
    schema_version: Literal[1] = 1
    description: str | None = None
    credentials: Credentials = Credentials()
    latency: dict[str, Seconds] = {"default": 0.0}
    netconf: Netconf = Netconf()
    cli: Cli = Cli()
    variants: list[Variant] = []
    commands: list[Command] = []
    faults: Faults = Faults()

    @field_validator("latency", mode="before")
    @classmethod
    def _latency_number(cls, value: Any) -> Any:
        # One number means "this many seconds for every RPC".
        return {"default": value} if isinstance(value, int | float) and not isinstance(value, bool) else value

    @field_validator("latency")
    @classmethod
    def _latency_keys(cls, value: dict[str, float]) -> dict[str, float]:
        for key in value:
            if key != "default":
                _rpc_name(key)
        return value


def read_device_yaml(path: Path) -> tuple[DeviceYaml, Locator]:
    """Read and validate one device.yaml; the Locator places later errors (a missing reply file) in the file.
    Raises DeviceFolderError with file, line, key and problem."""
    data, locator = load_located(path, DeviceFolderError)
    if data is None:
        return DeviceYaml(), locator
    if not isinstance(data, dict):
        raise DeviceFolderError("expected a mapping at the top level", path=str(path), line=1)
    try:
        return DeviceYaml.model_validate(data), locator
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
        problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
        raise locator.error(problem, loc, DeviceFolderError) from None


def _is_union_tag(part: Any) -> bool:
    # pydantic puts the tried union member in the location ("float", "dict[str,...]"); it is not a key.
    return isinstance(part, str) and (part in {"float", "str", "bool", "int"} or "[" in part)
