"""A password holder that never prints itself."""

from __future__ import annotations


class Secret:
    """Wraps a credential so that repr/str/format/logging/JSON never reveal it. Call ``reveal()`` at the socket."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling (process pools) must carry the value; it never reaches disk through this.
        return (Secret, (self._value,))
