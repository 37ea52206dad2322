"""How a site worker finds device passwords: never from the broker.

A task names the variable its device's password is in (the inventory's ``password_env``), never the value. The
worker looks the name up in its own environment, then in its secrets file (``--secrets FILE`` or
``ASSESS_SECRETS_FILE``): ``NAME=value`` lines, ``#`` comments, readable by its owner only (refused otherwise, as
ssh refuses a private key others can read). A name found in neither fails that device as ``auth`` with the reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from msplus.errors import InputError
from msplus.secrets import Secret

SECRETS_FILE_ENV = "ASSESS_SECRETS_FILE"


class WorkerSecrets:
    """The passwords one worker can give its devices, by variable name."""

    def __init__(self, environ: Mapping[str, str], file_values: Mapping[str, str] | None = None,
                 file: Path | None = None) -> None:
        self._environ = environ
        self._file_values = dict(file_values or {})
        self.file = file

    @classmethod
    def load(cls, secrets_file: str | Path | None = None, environ: Mapping[str, str] | None = None) -> WorkerSecrets:
        env = os.environ if environ is None else environ
        named = secrets_file or env.get(SECRETS_FILE_ENV)
        if not named:
            return cls(env)
        path = Path(named).expanduser()
        return cls(env, read_secrets_file(path), path)

    def password(self, name: str) -> Secret | None:
        value = self._environ.get(name)
        if value is None:
            value = self._file_values.get(name)
        return None if value is None else Secret(value)

    def where(self) -> str:
        """Where this worker looks, for error messages (no values)."""
        return f"its environment or {self.file}" if self.file else f"its environment (no secrets file: --secrets or " \
                                                                  f"{SECRETS_FILE_ENV})"


def read_secrets_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines. Refuses a file that is missing, not a regular file, or readable by group or others."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read the secrets file: {exc.strerror or exc}", path=str(path)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError("the secrets file is not a regular file", path=str(path))
    if info.st_mode & 0o077:
        raise InputError(f"the secrets file is readable by others (mode {stat.S_IMODE(info.st_mode):o}); "
                         "chmod 600 it", path=str(path))
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip().removeprefix("export ").strip()
        if not sep or not name.replace("_", "").isalnum():
            # The line may hold a password: say where, never what.
            raise InputError("expected NAME=value", path=str(path), line=number)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values
