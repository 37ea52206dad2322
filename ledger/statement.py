"""A customer's statement: the journal in date order, plus derived ``expiry`` lines.

Reservations and their releases are entries like the others: a reservation takes credits from lots (held), its
release gives them back; a captured reservation is followed by its release and the redemption that charged it.
Expiry is derived, never written: a lot's unused credits lapse the day after its last usable day, and credits a
reversal gives back to a lot that has already expired lapse the day they come back. Derived lines have ``id`` None.
The signed credits of a statement add up to what is usable on its date plus what is bought for later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import sqlalchemy as sa

from ledger.records import Allocation, StatementEntry


def build(rows: Sequence[sa.Row], allocs: Mapping[int, list[sa.Row]], on: date) -> list[StatementEntry]:
    lines: list[tuple[tuple[date, int, int, int], StatementEntry]] = []
    used_in_time: dict[int, int] = defaultdict(int)  # lot -> credits taken net, up to its last usable day
    for row in rows:
        given = allocs.get(row.id, [])
        lots = tuple(Allocation(a.lot_id, a.credits, a.expires) for a in given)
        lot = row.id if row.type == "purchase" else (lots[0].lot if len(lots) == 1 else None)
        lines.append(((row.day, 1, row.id, 0), StatementEntry(
            row.id, row.type, row.day, row.credits, row.service, row.units, row.request_id or row.hold_for, lot,
            lots, row.reference, row.note, row.reverses, row.holder)))
        for a in given:
            if a.day <= a.expires:
                used_in_time[a.lot_id] += a.credits
            else:  # a reversal after the lot expired: the credits come back already lapsed
                lines.append(((row.day, 1, row.id, 1), StatementEntry(
                    None, "expiry", row.day, a.credits, None, None, row.request_id, a.lot_id,
                    (Allocation(a.lot_id, -a.credits, a.expires),),
                    note=f"credits given back to lot {a.lot_id} after it expired on {a.expires}")))
    for row in rows:
        if row.type != "purchase" or row.expires >= on:
            continue
        lapsed = row.credits - used_in_time[row.id]
        if lapsed > 0:
            day = row.expires + timedelta(days=1)
            lines.append(((day, 0, row.id, 0), StatementEntry(
                None, "expiry", day, -lapsed, None, None, None, row.id, (Allocation(row.id, lapsed, row.expires),),
                note=f"unused credits of lot {row.id} (bought {row.day}) expired after {row.expires}")))
    return [line for _key, line in sorted(lines, key=lambda item: item[0])]
