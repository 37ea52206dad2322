"""The ledger's part in ``assess``: one reservation before any device is touched, the credits section as the
ledger computes it, and the capture (or release) at the end.

``claim`` reserves: eligibility, the care-contract scope of the inventory's devices and the funds are checked once,
by the ledger, and the credits are held against the request id. A request already charged comes back as
``captured`` (a rerun: nothing is charged again); an open reservation of the same request left by an interrupted run
is taken over (the run locks make sure that run is gone, see app.runlock) unless another host holds it.
``credits`` reads the balance with the credits held: it is the balance after the capture, as the ledger computes
it. ``settle`` captures after the review is published; ``give_back`` releases when no review is produced.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ledger.errors import LedgerRefusal, OutOfScope
from ledger.ledger import Ledger
from ledger.records import Redemption, Reservation, Scope
from msplus.records import Device
from reports.model import Credits

_HOLDER = re.compile(r"^assess on (?P<host>\S+) pid (?P<pid>\d+): (?P<out>.*)$")


@dataclass(frozen=True, slots=True)
class Claim:
    """What the ledger said before the work: the scope, and the reservation (None with --no-charge)."""

    scope: Scope
    reservation: Reservation | None
    cost: int

    @property
    def to_capture(self) -> bool:
        """True when this run holds credits it must capture (or release): not a rerun of a charged request."""
        return self.reservation is not None and self.reservation.status == "held"


def holder(out_dir: Path) -> str:
    """Who holds a reservation, for ``ledger reservations`` and for a rerun deciding whether to take it over."""
    return f"assess on {socket.gethostname()} pid {os.getpid()}: {out_dir.resolve()}"


def claim(ledger: Ledger, customer_id: str, code: str, on: date, request_id: str, devices: list[Device],
          profiles: Mapping[str, Any] | None, out_dir: Path, *, charge: bool, note: str,
          required: tuple[str, ...] = ()) -> Claim:
    """Reserve (or, with --no-charge, only check eligibility and scope). LedgerRefusal, or OutOfScope when no
    device can be on the care contract; nothing is held then."""
    cost = ledger.quote(code)
    if not charge:
        eligibility = ledger.check_eligibility(customer_id, on)
        if not eligibility.ok:
            raise LedgerRefusal(f"{customer_id} is not eligible on {on}: {'; '.join(eligibility.reasons)}")
        scope = ledger.scope(customer_id, devices, profiles, on)
        for d in scope.out_of_scope:
            if d.name in required and d.serial is not None:
                raise OutOfScope(f"{d.name} is not in scope ({d.reason})", device=d.name)
        return Claim(scope, None, cost)
    found = ledger.reserve(customer_id, code, 1, on, request_id, note, devices=devices, profiles=profiles,
                           required=required, holder=holder(out_dir))
    if found.replayed and found.status == "held":
        _check_takeover(found)
    scope = found.scope if found.scope is not None else ledger.scope(customer_id, devices, profiles, on)
    return Claim(scope, found, cost)


def _check_takeover(found: Reservation) -> None:
    """An open reservation of this request made by an earlier run. On this host the run locks prove that run has
    ended (it would hold them), so it is taken over; another host's run cannot be checked from here."""
    match = _HOLDER.match(found.holder or "")
    if match is None or match["host"] == socket.gethostname():
        return
    raise LedgerRefusal(f"request id {found.request_id!r} has credits held since {found.created_at} by an assess run "
                        f"on {match['host']} (pid {match['pid']}); if that run is no longer running, release them "
                        f"(ledger release {found.request_id} --reason ...) and run again; nothing done")


def credits(ledger: Ledger, found: Claim, customer_id: str, code: str, on: date, request_id: str) -> Credits:
    """The credits section: the ledger's balance on the review date, with this review's credits held (so it is the
    balance once they are captured)."""
    balance = ledger.balance(customer_id, on)
    expiry = balance.earliest_expiry.isoformat() if balance.earliest_expiry else None
    if found.reservation is None:
        status, note = "not_charged", "Rendered with --no-charge: nothing was debited."
    elif found.reservation.status == "captured":
        status, note = "already_debited", "This request was debited by an earlier run; this run charged nothing."
    else:
        status, note = "debited", ""
    units = found.reservation.units if found.reservation else 1
    cost = found.reservation.credits if found.reservation else found.cost
    return Credits(service=code, units=units, cost=cost, status=status, request_id=request_id,
                   remaining=balance.available, earliest_expiry=expiry, ledger=ledger_label(ledger.url), note=note)


def settle(ledger: Ledger, request_id: str) -> Redemption:
    """Charge the credits held for this review, once it is published (idempotent by request id)."""
    return ledger.capture(request_id)


def give_back(ledger: Ledger, request_id: str, why: str) -> Reservation:
    """Release the credits held for this review: no review was produced."""
    return ledger.release(request_id, why)


def ledger_label(url: str) -> str:
    """How a customer document names the ledger: its kind and database name, never a local path or credentials
    (the URL is the operator's, not the customer's)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return "credit ledger"
    if parsed.get_backend_name() == "sqlite":
        return f"embedded ledger ({Path(parsed.database or 'memory').name})"
    return f"{parsed.get_backend_name()} ledger (database {parsed.database or 'default'})"
