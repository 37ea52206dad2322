"""``run_assessment.py ledger ...``: each handler opens the ledger, runs one operation and prints the result.

Exit codes: 0 done (a replayed request included); 2 bad input (a malformed date, number, over-long text: one line
``error: ...``) or the ledger or an input file could not be used; 3 refused by the ledger's rules (one line
``refused: ...``). Nothing changed unless the exit code is 0. Output cut short by a closed pipe (``| head``) ends
quietly with 141 (app.cli).
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import sys
from collections.abc import Callable
from typing import Any

from ledger.ledger import Ledger, open_ledger
from ledger.records import Allocation, Balance, StatementEntry, to_json

Handler = Callable[[argparse.Namespace], int]


def _handler(run: Callable[[Ledger, argparse.Namespace], None]) -> Handler:
    @functools.wraps(run)
    def handler(args: argparse.Namespace) -> int:
        # refusals and bad input end in app.cli, which prints them and picks the exit code once
        with open_ledger(getattr(args, "ledger", None)) as ledger:
            run(ledger, args)
            sys.stdout.flush()
        return 0

    return handler


def _emit(args: argparse.Namespace, record: Any, text: list[str]) -> None:
    """The result on stdout (text or JSON); its warnings on stderr, whatever the format."""
    for line in text:
        if line.startswith("warning: "):
            print(line, file=sys.stderr)
    if getattr(args, "format", "text") == "json":
        print(json.dumps(to_json(record), indent=2))
    else:
        print("\n".join(line for line in text if not line.startswith("warning: ")))


@_handler
def register(ledger: Ledger, args: argparse.Namespace) -> None:
    reg = ledger.register_inventory(args.inventory, args.date)
    verb = "registered" if reg.version == 1 and reg.changed else "updated" if reg.changed else "unchanged:"
    text = [f"{verb} {reg.customer} ({reg.name}), record version {reg.version}"]
    text += [f"warning: {w}" for w in reg.eligibility.warnings]
    text += [f"not eligible on {args.date or 'today'}: {r}" for r in reg.eligibility.reasons]
    _emit(args, reg, text)


@_handler
def purchase(ledger: Ledger, args: argparse.Namespace) -> None:
    p = ledger.purchase(args.customer, args.credits, args.date, args.reference)
    ref = f", {p.reference}" if p.reference else ""
    text = [f"purchased {p.credits} credits for {p.customer} on {p.date}: lot {p.id}, usable until {p.expires}{ref}"]
    text += [f"warning: {w}" for w in p.warnings]
    _emit(args, p, text)


@_handler
def redeem(ledger: Ledger, args: argparse.Namespace) -> None:
    r = ledger.redeem(args.customer, args.service, args.units, args.date, args.request_id, args.note)
    left = ledger.balance(r.customer, r.date).available
    head = "already redeemed, nothing charged again:" if r.replayed else "redeemed"
    text = [f"{head} {r.service} x{r.units} for {r.customer} on {r.date}: {r.credits} credits from "
            f"{_lots(r.allocations)}; request {r.request_id} (entry {r.id}); {left} credits usable on {r.date}"]
    text += [f"warning: {w}" for w in r.warnings]
    _emit(args, r, text)


@_handler
def reverse(ledger: Ledger, args: argparse.Namespace) -> None:
    r = ledger.reverse(args.request_id, args.reason, args.date)
    head = "already reversed, nothing changed:" if r.replayed else "reversed"
    text = [f"{head} request {r.request_id} on {r.date}: {r.credits} credits back to "
            f"{_lots(r.restored, sign=-1)}"]
    if r.expired_credits:
        text.append(f"warning: {r.expired_credits} of them went back to lots that had expired by {r.date} "
                    "and cannot be used")
    _emit(args, r, text)


@_handler
def reserve(ledger: Ledger, args: argparse.Namespace) -> None:
    r = ledger.reserve(args.customer, args.service, args.units, args.date, args.request_id, args.note,
                       holder=args.holder or f"ledger reserve (user {_user()})")
    head = {"held": "already reserved, nothing held again:" if r.replayed else "reserved",
            "captured": "already captured (charged), nothing held:"}.get(r.status, r.status)
    text = [f"{head} {r.service} x{r.units} for {r.customer} on {r.date}: {r.credits} credits held from "
            f"{_lots(r.allocations)}; request {r.request_id} (entry {r.id})"]
    text += [f"warning: {w}" for w in r.warnings]
    _emit(args, r, text)


@_handler
def capture(ledger: Ledger, args: argparse.Namespace) -> None:
    r = ledger.capture(args.request_id)
    head = "already captured, nothing charged again:" if r.replayed else "captured"
    _emit(args, r, [f"{head} request {r.request_id}: {r.credits} credits charged for {r.service} x{r.units} "
                    f"({r.customer}, {r.date}) from {_lots(r.allocations)} (entry {r.id})"])


@_handler
def release(ledger: Ledger, args: argparse.Namespace) -> None:
    r = ledger.release(args.request_id, args.reason)
    head = "already released, nothing changed:" if r.replayed else "released"
    _emit(args, r, [f"{head} request {r.request_id}: {r.credits} credits back to {r.customer} "
                    f"({r.released or args.reason})"])


@_handler
def reservations(ledger: Ledger, args: argparse.Namespace) -> None:
    found = ledger.reservations(args.customer)
    _emit(args, found, [_table(["request_id", "customer", "service", "units", "credits", "date", "reserved_at",
                                "holder"],
                               [[r.request_id, r.customer, r.service, str(r.units), str(r.credits), str(r.date),
                                 r.created_at, r.holder or ""] for r in found])
                        if found else "no open reservations"])


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@_handler
def balance(ledger: Ledger, args: argparse.Namespace) -> None:
    b = ledger.balance(args.customer, args.date)
    _emit(args, b, _balance_text(b))


@_handler
def statement(ledger: Ledger, args: argparse.Namespace) -> None:
    lines = ledger.statement(args.customer, args.date)
    if args.format == "csv":
        sys.stdout.write(_csv(lines))
    elif args.format == "json":
        print(json.dumps(to_json(lines), indent=2))
    else:
        print(_table(["id", "type", "date", "credits", "service", "units", "request_id", "lots", "note"],
                     [[_s(e.id), e.type, str(e.date), f"{e.credits:+d}", _s(e.service), _s(e.units),
                       _s(e.request_id), _lot_text(e), _s(e.note or e.reference or e.holder)] for e in lines]))


def _lots(given: tuple[Allocation, ...], sign: int = 1) -> str:
    return ", ".join(f"lot {a.lot} ({sign * a.credits}, expires {a.expires})" for a in given)


def _balance_text(b: Balance) -> list[str]:
    held = f", {b.held} held by open reservations" if b.held else ""
    head = (f"{b.customer} on {b.date}: {b.available} credits available{held}, {b.expired} expired unused, "
            f"{b.not_yet_valid} bought for later")
    rows = [[str(lot.id), str(lot.purchased), str(lot.expires), str(lot.credits), str(lot.remaining), lot.status,
             lot.reference or ""] for lot in b.lots]
    return [head, _table(["lot", "purchased", "expires", "credits", "remaining", "status", "reference"], rows)]


CSV_FIELDS = ("id", "type", "date", "credits", "service", "units", "request_id", "lot", "lots", "reference",
              "note", "reverses", "holder")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


def _csv(lines: list[StatementEntry]) -> str:
    """The statement as CSV. Free text (request ids, references, notes, holders) is user input: a cell that a
    spreadsheet would run as a formula (``=HYPERLINK(...)``) gets a leading ``'`` (OWASP's CSV injection advice);
    the numbers and dates the ledger writes itself are left as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in lines:
        writer.writerow([_s(e.id), e.type, e.date.isoformat(), e.credits, _s(e.service), _s(e.units),
                         _cell(e.request_id), _s(e.lot), _lot_text(e), _cell(e.reference), _cell(e.note),
                         _s(e.reverses), _cell(e.holder)])
    return out.getvalue()


def _cell(value: str | None) -> str:
    text = _s(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _lot_text(e: StatementEntry) -> str:
    """``lot:credits`` pairs, credits as the line moved them (``3:-2`` took 2 from lot 3)."""
    if e.type == "purchase":
        return f"{e.lot}:{e.credits:+d}"
    return ";".join(f"{a.lot}:{-a.credits:+d}" for a in e.lots)


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip()
                     for row in [header, *rows])
