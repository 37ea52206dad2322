"""The inputs of ``assess``, read and checked before the ledger is opened or a device is contacted: the inventory
(with its customer), the review date, the change options, and an existing snapshot's device folders.

Every problem is an InputError naming the file and the place (line and column where there is one), so a bad input
stops the run with exit 2 before any connection and before any debit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from msplus.errors import InputError
from msplus.records import DeviceProfile, Inventory
from snapshots.layout import META
from snapshots.reader import DeviceSnapshot


def review_date(text: str | None, key: str = "--date") -> date:
    """A date option (``--date``, ``--since``): YYYY-MM-DD in ASCII digits within the ledger's calendar range
    (ledger/limits.yaml)."""
    from ledger import limits
    from ledger.errors import LedgerInputError

    if text is None:
        return date.today()
    try:
        return limits.parse_date(text)
    except LedgerInputError as exc:
        raise InputError(exc.reason, key=key) from None


def inventory(path: str | Path, *, needs_credentials: bool,
              prompt: Callable[[str], str] | None = None, needs_customer: bool = True,
              on_queue: bool = False) -> Inventory:
    """Load the inventory. Without live collection (``--snapshot``) no password is needed, so password variables and
    prompts are answered with blanks instead of asking or failing. ``needs_customer`` False (``--no-charge``): an
    inventory without a customer: section is an internal review. ``on_queue``: the site workers collect and read
    the password variables themselves; only their names are kept here."""
    from msplus.inventory import load_inventory

    if needs_credentials and on_queue:
        found = load_inventory(path, resolve_passwords=False)
    elif needs_credentials:
        found = load_inventory(path, prompt=prompt)
    else:
        found = load_inventory(path, prompt=lambda _question: "", environ=_NoSecrets())
    if found.customer is None and needs_customer:
        raise InputError("the inventory has no customer: section (a review is for a customer; --no-charge runs an "
                         "internal review without one)", path=str(found.path), key="customer")
    return found


class _NoSecrets(dict[str, str]):
    def get(self, key: object, default: object = None) -> str:
        return ""


def change_options(service: str, change: str | None, device: str | None, inv: Inventory) -> Path | None:
    """``--change FILE`` goes with ``--device NAME``, for CACR only; the file must be readable."""
    if change is None and device is None:
        return None
    if service != "cacr":
        raise InputError("--change and --device are for the CACR change review only", key="--change")
    if change is None or device is None:
        raise InputError("--change FILE and --device NAME go together (the change is for that device)",
                         key="--change" if change is None else "--device")
    try:
        inv.device(device)
    except KeyError:
        raise InputError(f"no device named {device!r} in the inventory", path=str(inv.path), key="--device") from None
    path = Path(change)
    if not path.is_file():
        raise InputError("change file not found", path=str(path), key="--change")
    try:
        path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path), key="--change") from exc
    return path.resolve()


def data_files(given: Sequence[str], defaults: Sequence[Path]) -> tuple[Path, ...]:
    paths = tuple(Path(p) for p in given) or tuple(defaults)
    for p in paths:
        if not p.is_file():
            raise InputError("file not found", path=str(p), key="--catalog")
    return paths


# ---------------------------------------------------------------------------------------------- snapshots

@dataclass(frozen=True, slots=True)
class DeviceFolder:
    """What the pipeline needs from one device folder of a snapshot (the analysis reads the rest)."""

    name: str
    snapshot: DeviceSnapshot | None  # None: no folder for this device in the snapshot

    @property
    def present(self) -> bool:
        return self.snapshot is not None

    @property
    def profile(self) -> DeviceProfile | None:
        return self.snapshot.profile if self.snapshot else None

    @property
    def ok(self) -> bool:
        return self.snapshot is not None and self.snapshot.meta.ok

    @property
    def failure(self) -> tuple[str, str]:
        if self.snapshot is None:
            return "missing", "no folder for this device in the snapshot"
        meta = self.snapshot.meta
        if meta.error_kind or meta.error:
            return meta.error_kind or "failed", meta.error or ""
        return "failed", f"collection status {meta.status!r} in {META}"


def read_snapshot(snapshot: Path, names: Sequence[str]) -> dict[str, DeviceFolder]:
    """meta.json and profile.json of each named device's folder. A missing folder is a device that was not
    collected; a folder whose meta.json or profile.json cannot be read is a malformed snapshot (InputError)."""
    if not snapshot.is_dir():
        raise InputError("not a snapshot folder" if snapshot.exists() else "snapshot folder not found",
                         path=str(snapshot), key="--snapshot")
    out = {}
    for name in names:
        folder = snapshot / name
        out[name] = DeviceFolder(name, DeviceSnapshot.open(folder, require_meta=True) if folder.is_dir() else None)
    if not any(f.present for f in out.values()):
        raise InputError(f"no folder for any inventory device ({', '.join(names)}) in this snapshot",
                         path=str(snapshot), key="--snapshot")
    return out
