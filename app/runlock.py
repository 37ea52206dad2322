"""One run per request and per output folder, on this machine: ``assess`` holds two advisory file locks (flock)
for its whole run, one named after the ledger and request id, one after the output folder.

A second run that finds either lock taken refuses at once, before it opens a reservation or touches a device or a
file, and says which run holds it. The kernel drops a lock when its process ends, however it ends (SIGKILL
included), so a lock never outlives its run and a rerun after a crash is never refused by a ghost. The lock files
live in a private folder (``$ASSESS_LOCK_DIR``, else ``<tmp>/msplus-assess-<uid>``), not in the output folder, so a
refused run creates nothing there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from msplus.errors import AssessError, Refused

ENV = "ASSESS_LOCK_DIR"


class Busy(Refused):
    """Another run holds the request or the output folder: this run did nothing (``refused: ...``, exit 3)."""


def lock_dir() -> Path:
    folder = Path(os.environ.get(ENV) or Path(tempfile.gettempdir()) / f"msplus-assess-{os.getuid()}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():  # not a link or another user's folder
        raise AssessError(f"lock folder {folder} is not a folder of this user")
    return folder


@contextlib.contextmanager
def exclusive(subjects: list[tuple[str, str, str]]) -> Iterator[None]:
    """Hold a lock on each (kind, key, name) subject, e.g. ("request", ledger URL + id, id), ("folder", path,
    path); Busy (naming kind and name) if one is taken. Each lock file records who holds it, for the message of
    the run that is refused."""
    held: list[int] = []
    try:
        for kind, key, name in subjects:
            path = lock_dir() / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.lock"
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                other = os.pread(fd, 400, 0).decode(errors="replace").strip() or "another process"
                os.close(fd)
                raise Busy(f"another assess run ({other}) is working on {kind} {name}; nothing done: wait for it "
                           "to end, then run again") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
            held.append(fd)
        yield
    finally:
        for fd in held:
            os.close(fd)  # closing the descriptor drops the lock
