"""The ledger's part in ``assess``: may this customer have this review (eligibility, credits, request id), what the
credits section will say, and the one debit.

Order in the pipeline: ``standing`` before any device is touched (a refusal raises LedgerRefusal with the reason);
``expected`` before rendering (the report must show the balance after its own debit); ``debit`` after the
report is written; ``settled`` after the debit, to re-render when the ledger moved meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger.errors import LedgerRefusal
from ledger.ledger import Ledger
from ledger.records import Balance, Eligibility, Lot, Redemption
from reports.model import Credits


@dataclass(frozen=True, slots=True)
class Standing:
    eligibility: Eligibility
    cost: int
    balance: Balance
    replay: bool  # this request id already debited this service on this date: it will not be charged again


def standing(ledger: Ledger, customer_id: str, code: str, on: date, request_id: str, *, charge: bool) -> Standing:
    """Eligibility, the request id's history and the credits, checked before anything else happens."""
    eligibility = ledger.check_eligibility(customer_id, on)  # LedgerRefusal for an unknown customer
    if not eligibility.ok:
        raise LedgerRefusal(f"{customer_id} is not eligible on {on}: {'; '.join(eligibility.reasons)}")
    replay = _replay(ledger, customer_id, code, on, request_id) if charge else False
    cost = ledger.quote(code)
    balance = ledger.balance(customer_id, on)
    if charge and not replay and balance.available < cost:
        expired = f" ({balance.expired} more expired unused)" if balance.expired else ""
        raise LedgerRefusal(f"insufficient credits: {code} needs {cost}, {customer_id} has {balance.available} "
                            f"usable on {on}{expired}; nothing collected, nothing charged")
    return Standing(eligibility, cost, balance, replay)


def _replay(ledger: Ledger, customer_id: str, code: str, on: date, request_id: str) -> bool:
    """True when ``request_id`` already debited this review; refused when it was used for something else (by any
    customer: request ids are unique across the ledger) or the debit was reversed (a reversed request cannot be
    charged again under the same id). One indexed look-up, not a statement scan."""
    redemption, reversal = ledger.find(request_id)
    if redemption is None:
        return False
    if reversal is not None:
        raise LedgerRefusal(f"request id {request_id!r} was debited and then reversed; give a new --request-id")
    if redemption.customer == customer_id and redemption.service == code and redemption.date == on:
        return True
    raise LedgerRefusal(f"request id {request_id!r} was already used for {redemption.service} on {redemption.date}"
                        "; give another --request-id")


def expected(found: Standing, code: str, request_id: str, *, charge: bool, ledger_url: str) -> Credits:
    """The credits section as it will be once this review is debited (or not charged)."""
    if not charge:
        status, lots, note = "not_charged", found.balance.lots, "Rendered with --no-charge: nothing was debited."
    elif found.replay:
        status, lots, note = "already_debited", found.balance.lots, ("This request was debited by an earlier run; "
                                                                     "this run charged nothing.")
    else:
        status, lots, note = "debited", _after(found.balance.lots, found.cost, found.balance.date), ""
    # The ledger's own figure, not a sum over lots: a lot's remaining can include credits refunded after it expired.
    remaining = found.balance.available - (found.cost if status == "debited" else 0)
    return Credits(service=code, units=1, cost=found.cost, status=status, request_id=request_id,
                   remaining=remaining, earliest_expiry=_earliest(lots, found.balance.date), ledger=ledger_url,
                   note=note)


def settled(ledger: Ledger, customer_id: str, on: date, before: Credits, redemption: Redemption) -> Credits:
    """The credits section from the ledger after the debit (what it really says now)."""
    balance = ledger.balance(customer_id, on)
    status = "already_debited" if redemption.replayed else "debited"
    note = before.note if status == before.status else ("This request was debited by another run meanwhile; "
                                                        "this run charged nothing." if redemption.replayed else "")
    return Credits(service=before.service, units=redemption.units, cost=redemption.credits, status=status,
                   request_id=redemption.request_id, remaining=balance.available,
                   earliest_expiry=_earliest(balance.lots, on), ledger=before.ledger, note=note)


def debit(ledger: Ledger, customer_id: str, code: str, on: date, request_id: str) -> Redemption:
    """The one debit of a review. The note is fixed so a rerun of the same request replays instead of clashing."""
    return ledger.redeem(customer_id, code, 1, on, request_id, note=f"{code} review (run_assessment.py assess)")


# ---------------------------------------------------------------------------------------------- lots

def _usable(lot: Lot, on: date) -> int:
    return lot.remaining if lot.purchased <= on <= lot.expires else 0


def _after(lots: tuple[Lot, ...], cost: int, on: date) -> tuple[Lot, ...]:
    """The lots once ``cost`` is taken, first to expire first (as the ledger takes them)."""
    left = cost
    out = []
    for lot in sorted(lots, key=lambda lot: (lot.expires, lot.purchased, lot.id)):
        take = min(_usable(lot, on), left)
        left -= take
        out.append(Lot(lot.id, lot.purchased, lot.expires, lot.credits, lot.remaining - take, lot.reference,
                       lot.status))
    return tuple(out)


def _earliest(lots: tuple[Lot, ...], on: date) -> str | None:
    dates = [lot.expires for lot in lots if _usable(lot, on) > 0]
    return min(dates).isoformat() if dates else None
