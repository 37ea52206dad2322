"""The offline collector: a folder of customer-provided files instead of a device.

Every regular file under ``device.files`` is recognised by its content (collectors.recognise); the first file that
answers each Request of the plan is saved as received, under the plan's file name (``.txt`` for CLI text,
``configuration.conf`` / ``.set`` / ``.xml`` for the configuration's form). Files that answer nothing, or answer
a Request already answered, are listed in meta.json (``ignored``) with the reason. A required Request that no file
answers makes the device ``partial`` (meta.json ``status`` and ``notes.missing`` say which) when the files give
its profile (``show version``: model, release, host name), and a failure otherwise: without the profile nothing can
be assessed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from collectors.base import Collector, Sink, fail, register
from collectors.recognise import Ignored, Recognised, recognise
from msplus.records import Device, Request
from snapshots import replies

PROFILE_RPC = "get-software-information"  # show version: enough for a device profile (model, release, host name)
_CONFIG_FILES = {"conf": "configuration.conf", "set": "configuration.set", "xmlconf": "configuration.xml"}
_PREFERENCE = {"xml": 0, "xmlconf": 0, "conf": 1, "set": 2, "text": 3}  # an XML reply beats pasted CLI text


@register("offline")
class OfflineCollector(Collector):
    def collect(self, device: Device, plan: Sequence[Request], sink: Sink) -> None:
        folder = device.files
        if folder is None or not folder.is_dir():
            raise fail("unreachable", f"customer files folder {folder} does not exist")
        found, ignored = _survey(folder)
        used: set[Path] = set()
        missing = []
        try:
            for request in plan:
                candidates = sorted((r for r in found if r.rpc == request.rpc),
                                    key=lambda r: (_PREFERENCE[r.form], str(r.path)))
                if not candidates:
                    if not request.optional:
                        missing.append(f"{request.rpc} ({request.cli or 'no CLI equivalent'})")
                    continue
                used.add(candidates[0].path)
                _save(request, candidates[0], folder, sink)
        finally:  # the list of ignored files is worth having even when a required reply is an error
            for rec in found:
                if rec.path not in used:
                    asked = any(r.rpc == rec.rpc for r in plan)
                    ignored.append(Ignored(rec.path, f"another file already answers {rec.rpc}" if asked
                                           else f"answers {rec.rpc}, which this collection does not ask for"))
            sink.note("ignored", [{"file": _rel(i.path, folder), "reason": i.reason} for i in ignored])
        if missing:
            if not any(r.rpc == PROFILE_RPC for r in found):
                raise fail("malformed_reply", "the customer files answer no " + ", no ".join(missing))
            sink.note("missing", missing)


def _survey(folder: Path) -> tuple[list[Recognised], list[Ignored]]:
    found: list[Recognised] = []
    ignored: list[Ignored] = []
    root = folder.resolve()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # editor and OS droppings (.DS_Store, .~lock)
        if not path.resolve().is_relative_to(root):
            # A link out of the folder (to /etc/shadow, say) is never read: only what the customer sent is.
            ignored.append(Ignored(path, "a link to a file outside the folder; not read"))
            continue
        result = recognise(path)
        (found if isinstance(result, Recognised) else ignored).append(result)  # type: ignore[arg-type]
    return found, ignored


def _save(request: Request, rec: Recognised, folder: Path, sink: Sink) -> None:
    started = time.perf_counter()
    body = rec.path.read_bytes()
    source = _rel(rec.path, folder)
    error = None
    if rec.form == "xml":
        body, error = replies.check(request, body, source=source, pasted=True)
        name = request.file
    elif rec.form in _CONFIG_FILES:
        name = _CONFIG_FILES[rec.form]
    else:
        name = Path(request.file).with_suffix(".txt").name
    sink.reply(request, body, seconds=time.perf_counter() - started, error=error, file=name)
    sink.note(f"source:{name}", source + (f" ({rec.command})" if rec.command else ""))
    if error and not request.optional:
        raise fail("rpc_error", f"{source}: {request.rpc}: {error}")


def _rel(path: Path, folder: Path) -> str:
    return str(path.relative_to(folder))
