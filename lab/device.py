"""A simulated device: its replies (pre-rendered), configuration, credentials and faults; loaded from a folder.

Folder layout (``lab/devices/<name>/``)::

    get-software-information.xml     NAME.xml answers the RPC <NAME/> (with or without <rpc-reply> wrapper)
    file-show@hosts.xml              NAME@VARIANT.xml: a reply chosen by arguments, listed under device.yaml variants
    command@bridge-count.xml         a reply for an extra CLI command, listed under device.yaml commands
    config.conf                      the configuration as Junos curly text (answers get-configuration)
    device.yaml                      optional: credentials, latency, faults (schema in lab.schema)
    PROVENANCE.md                    where every file came from

``lab/defaults/`` has the same layout: replies every device gives unless its folder has its own (no alarms,
"chassis cluster is not enabled", the IRI host table PyEZ reads). A bad folder is refused with DeviceFolderError.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import asyncssh

from lab import replies, schema
from lab.configuration import DeviceConfig
from lab.replies import Reply
from msplus.errors import DeviceFolderError, MalformedReplyError
from msplus.secrets import Secret
from msplus.yamlsource import Locator

DEFAULTS = Path(__file__).with_name("defaults")
DEFAULT_USERNAME = "lab"
DEFAULT_PASSWORD = "lab123"  # noqa: S105 - the lab's documented demo credential, not a secret
_FILE = re.compile(r"^(?P<rpc>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:@(?P<variant>[A-Za-z0-9_.-]+))?\.xml$")
_KNOWN_FILES = {"device.yaml", "config.conf", "PROVENANCE.md", "README.md"}


@dataclass(slots=True)
class Faults:
    """Faults in force; tests may change them while the lab runs (each field is read per connection or RPC)."""

    refuse_connection: bool = False
    reject_auth: bool = False
    hang_on: set[str] = field(default_factory=set)
    disconnect_after_rpcs: int | None = None
    disconnect_on: set[str] = field(default_factory=set)
    malformed_xml: set[str] = field(default_factory=set)
    large_reply: tuple[str, float] | None = None  # (rpc, megabytes)
    entity_expansion: set[str] = field(default_factory=set)
    external_entity: set[str] = field(default_factory=set)

    @classmethod
    def from_schema(cls, f: schema.Faults) -> Faults:
        return cls(
            refuse_connection=f.refuse_connection, reject_auth=f.reject_auth, hang_on=set(f.hang_on),
            disconnect_after_rpcs=f.disconnect_after_rpcs, disconnect_on=set(f.disconnect_on),
            malformed_xml=set(f.malformed_xml),
            large_reply=(f.large_reply.rpc, f.large_reply.megabytes) if f.large_reply else None,
            entity_expansion=set(f.entity_expansion), external_entity=set(f.external_entity),
        )


@dataclass(frozen=True, slots=True)
class VariantReply:
    rpc: str
    args: dict[str, str | bool]
    reply: Reply

    def matches(self, args: dict[str, str | bool]) -> bool:
        for key, want in self.args.items():
            got = args.get(key)
            if got is None or (want is not True and got != want):
                return False
        return True


@dataclass(frozen=True, slots=True)
class Identity:
    """What the device says about itself, for the serve listing, the README table and tests."""

    hostname: str | None
    model: str | None
    release: str | None
    serial: str | None
    routing_engines: int


@dataclass(slots=True)
class SimDevice:
    """One simulated device. Mutable while serving: ``set_reply``, ``faults``, ``latency`` take effect at once."""

    name: str
    host: str
    port: int
    username: str
    password: str | None
    authorized_keys: list[asyncssh.SSHKey]
    folder: Path | None
    replies: dict[str, Reply]
    variants: list[VariantReply]
    commands: dict[str, Reply]
    config: DeviceConfig
    faults: Faults
    latency: dict[str, float]
    netconf_versions: tuple[str, ...]
    prompt_context: str | None
    release_ns: str  # "18.2R1": the release part of the junos namespace in replies
    identity: Identity
    description: str | None = None
    _large: dict[float, bytes] = field(default_factory=dict, repr=False)

    def lookup(self, rpc: str, args: dict[str, str | bool]) -> Reply | None:
        """The reply for an RPC: the most specific matching variant, else the plain NAME.xml reply."""
        best: VariantReply | None = None
        for variant in self.variants:
            if variant.rpc == rpc and variant.matches(args) and (best is None or len(variant.args) > len(best.args)):
                best = variant
        return best.reply if best else self.replies.get(rpc)

    def set_reply(self, rpc: str, xml: str | bytes) -> None:
        """Replace (or add) the plain reply to ``rpc`` while the lab runs."""
        self.replies[rpc] = replies.reply_from_xml(xml, source=f"{self.name}:{rpc}", release=self.release_ns)

    def remove_reply(self, rpc: str) -> None:
        self.replies.pop(rpc, None)
        self.variants = [v for v in self.variants if v.rpc != rpc]

    def latency_for(self, rpc: str) -> float:
        return self.latency.get(rpc, self.latency.get("default", 0.0))

    def check_password(self, username: str, password: str) -> bool:
        if self.faults.reject_auth or username != self.username or self.password is None:
            return False
        return hmac.compare_digest(password.encode(), self.password.encode())

    def check_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self.faults.reject_auth or username != self.username:
            return False
        return any(key.public_data == known.public_data for known in self.authorized_keys)

    def large_body(self, megabytes: float) -> bytes:
        if megabytes not in self._large:
            self._large[megabytes] = replies.large_interfaces_body(megabytes)
        return self._large[megabytes]


def load_device_folder(
    path: str | Path,
    *,
    name: str | None = None,
    host: str = "127.0.0.1",
    port: int = 830,
    username: str | None = None,
    password: str | Secret | None = None,
    authorized_keys: list[str | Path] | None = None,
) -> SimDevice:
    """Load and validate a simulated device folder. Credentials given here win over device.yaml's; with none at
    all the device accepts ``lab``/``lab123``. ``authorized_keys``: OpenSSH public key lines or key files (a
    private key file stands for its public half). Raises DeviceFolderError (or ConfigSyntaxError for config.conf)."""
    folder = Path(path).resolve()
    if not folder.is_dir():
        raise DeviceFolderError("not a folder", path=str(folder))
    spec, locator = _read_spec(folder)
    files = _reply_files(folder)
    if "get-software-information.xml" not in files:
        raise DeviceFolderError("get-software-information.xml is required (the device's identity)", path=str(folder))
    release = _release_of(folder / "get-software-information.xml")
    defaults = _defaults(release)
    own_replies = {m.group("rpc"): _load_reply(folder / f, release) for f, m in files.items() if not m.group("variant")}
    variants, commands = _variants_and_commands(folder, spec, locator, files, release)

    config_path = folder / "config.conf"
    config = DeviceConfig.load(config_path) if config_path.is_file() else DeviceConfig.empty()
    creds = spec.credentials
    keys = [_public_key(k, folder, locator, i) for i, k in enumerate(creds.authorized_keys)]
    keys += [_public_key(k, None, locator, i) for i, k in enumerate(authorized_keys or ())]
    all_replies = {**defaults.replies, **own_replies}
    device = SimDevice(
        name=name or folder.name,
        host=host,
        port=port,
        username=username or creds.username or DEFAULT_USERNAME,
        password=_password(password, creds.password, has_keys=bool(keys)),
        authorized_keys=keys,
        folder=folder,
        replies=all_replies,
        variants=variants + defaults.variants,
        commands=commands,
        config=config,
        faults=Faults.from_schema(spec.faults),
        latency=dict(spec.latency),
        netconf_versions=tuple(spec.netconf.versions),
        prompt_context=spec.cli.prompt_context,
        release_ns=release,
        identity=Identity(None, None, None, None, 0),
        description=spec.description,
    )
    device.identity = identity_of(device)
    return device


def _password(given: str | Secret | None, from_yaml: str | None, *, has_keys: bool) -> str | None:
    """The caller's password, else device.yaml's, else the lab default unless the device is key-only."""
    if given is not None:
        return given.reveal() if isinstance(given, Secret) else given
    if from_yaml is not None:
        return from_yaml
    return None if has_keys else DEFAULT_PASSWORD


def identity_of(device: SimDevice) -> Identity:
    """Hostname, model, release, chassis serial and RE count, read from the device's own replies."""
    software = device.lookup("get-software-information", {})
    sw = software.payload.find(".//{*}software-information") if software else None
    hostname = _text(sw, "host-name")
    model = _text(sw, "product-model")
    release = _text(sw, "junos-version") or _release_from_packages(sw)
    inventory = device.lookup("get-chassis-inventory", {})
    serial = None
    if inventory is not None:
        serial = inventory.payload.findtext(".//{*}chassis/{*}serial-number")
    engines = device.lookup("get-route-engine-information", {})
    count = len(engines.payload.findall(".//{*}route-engine")) if engines else 0
    return Identity(hostname, model, release, serial.strip() if serial else None, count)


# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Defaults:
    replies: dict[str, Reply]
    variants: list[VariantReply]


@cache
def _defaults(release: str) -> _Defaults:
    spec, locator = _read_spec(DEFAULTS)
    files = _reply_files(DEFAULTS)
    own = {m.group("rpc"): _load_reply(DEFAULTS / f, release) for f, m in files.items() if not m.group("variant")}
    variants, _ = _variants_and_commands(DEFAULTS, spec, locator, files, release)
    return _Defaults(own, variants)


def _read_spec(folder: Path) -> tuple[schema.DeviceYaml, Locator]:
    path = folder / "device.yaml"
    if path.is_file():
        return schema.read_device_yaml(path)
    return schema.DeviceYaml(), Locator(str(path))


def _reply_files(folder: Path) -> dict[str, re.Match[str]]:
    found: dict[str, re.Match[str]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() or entry.name in _KNOWN_FILES or entry.name.startswith("."):
            continue
        match = _FILE.match(entry.name)
        if not match:
            raise DeviceFolderError(
                "unexpected file: replies are NAME.xml or NAME@VARIANT.xml with NAME an RPC name "
                f"(other files allowed: {', '.join(sorted(_KNOWN_FILES))})",
                path=str(entry),
            )
        found[entry.name] = match
    return found


def _variants_and_commands(
    folder: Path, spec: schema.DeviceYaml, locator: Locator, files: dict[str, re.Match[str]], release: str
) -> tuple[list[VariantReply], dict[str, Reply]]:
    referenced: set[str] = set()
    variants = []
    for i, v in enumerate(spec.variants):
        _check_listed(v.file, files, locator, ("variants", i, "file"))
        referenced.add(v.file)
        variants.append(VariantReply(v.rpc, dict(v.args), _load_reply(folder / v.file, release)))
    commands = {}
    for i, c in enumerate(spec.commands):
        _check_listed(c.file, files, locator, ("commands", i, "file"))
        referenced.add(c.file)
        commands[" ".join(c.cli.split())] = _load_reply(folder / c.file, release)
    for fname, match in files.items():
        if match.group("variant") and fname not in referenced:
            raise DeviceFolderError(
                "variant reply is not used: list it under variants or commands in device.yaml", path=str(folder / fname)
            )
    return variants, commands


def _check_listed(fname: str, files: dict[str, re.Match[str]], locator: Locator, loc: tuple[str | int, ...]) -> None:
    if fname not in files:
        raise locator.error(f"no such reply file in the folder: {fname}", loc, DeviceFolderError)


def _load_reply(path: Path, release: str) -> Reply:
    try:
        return replies.reply_from_xml(path.read_bytes(), source=path.name, release=release)
    except MalformedReplyError as exc:
        where = re.match(r"^.*?:(\d+):(\d+): (.*)$", str(exc), re.DOTALL)
        if where:
            raise DeviceFolderError(where.group(3), path=str(path), line=int(where.group(1)),
                                    column=int(where.group(2))) from exc
        raise DeviceFolderError(str(exc).removeprefix(f"{path.name}: "), path=str(path)) from exc


def _release_of(path: Path) -> str:
    """The release part of the junos namespace ("18.2R1") from the software-information reply."""
    reply = _load_reply(path, "0.0I0")
    sw = reply.payload.find(".//{*}software-information")
    version = _text(sw, "junos-version") or _release_from_packages(sw)
    if not version:
        raise DeviceFolderError("no <software-information> with a Junos version", path=str(path))
    match = re.match(r"^(\d+\.\d+)([A-Z]\d+)?", version)
    if not match:
        raise DeviceFolderError(f"cannot read the Junos version {version!r}", path=str(path))
    return match.group(1) + (match.group(2) or "I0")


def _release_from_packages(sw: object) -> str | None:
    if sw is None:
        return None
    for pkg in sw.findall("{*}package-information"):  # type: ignore[attr-defined]
        comment = pkg.findtext("{*}comment") or ""
        match = re.search(r"\[([^\]]+)\]", comment)
        if pkg.findtext("{*}name") in {"junos", "junos-version"} and match:
            return match.group(1)
    for pkg in sw.findall("{*}package-information"):  # type: ignore[attr-defined]
        comment = pkg.findtext("{*}comment") or ""
        match = re.search(r"(?:Software Release|Base OS boot|Software Suite) \[([^\]]+)\]", comment)
        if match:
            return match.group(1)
    return None


def _text(el: object, tag: str) -> str | None:
    if el is None:
        return None
    value = el.findtext(f"{{*}}{tag}")  # type: ignore[attr-defined]
    return value.strip() if value else None


def _public_key(spec: str | Path, folder: Path | None, locator: Locator, index: int) -> asyncssh.SSHKey:
    """A public key from an OpenSSH line, or from a file (public, or private standing for its public half).
    ``folder`` is where device.yaml's relative paths start; None for keys given by the caller."""
    text = str(spec).strip()

    def fail(problem: str, exc: Exception) -> DeviceFolderError:
        if folder is None:
            return DeviceFolderError(problem, key=f"authorized_keys[{index}]")
        err = locator.error(problem, ("credentials", "authorized_keys", index), DeviceFolderError)
        err.__cause__ = exc
        return err  # type: ignore[return-value]

    if text.startswith(("ssh-", "ecdsa-", "sk-")):
        try:
            return asyncssh.import_public_key(text)
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise fail(f"not a valid public key: {exc}", exc) from exc
    path = Path(text)
    if folder is not None and not path.is_absolute():
        path = folder / path
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read key file {path}: {exc.strerror}", exc) from exc
    try:
        return asyncssh.import_public_key(data)
    except (asyncssh.KeyImportError, ValueError):
        pass
    try:
        return asyncssh.import_private_key(data).convert_to_public()
    except (asyncssh.KeyImportError, ValueError) as exc:
        raise fail(f"{path}: neither a public key nor an unencrypted private key", exc) from exc
