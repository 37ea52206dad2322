"""Line cards and service cards an advisory names, decided from the chassis inventory a profile lists.

"MX Series with MPC10 MPC11 or LC9600" names cards; a profile's modules (slot, description, model number) say
which the chassis holds. A card is present when a module's model number or description holds its name, not
followed by a digit (MPC1 is not MPC10E). No inventory collected: the question stays open (None).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Modules = tuple[tuple[str, str, str], ...]
# card names in prose (configurations[], descriptions); "MCP10" is a typo for MPC10 in a real record (CVE-2019-0056)
_IN_TEXT = re.compile(r"\b(?:MPC\d+E?|MCP\d+E?|LC\d{3,4}|SPC\d|MS-MPC|MS-MIC|MS-DPC)\b", re.IGNORECASE)


def cards_in_text(text: str) -> list[str]:
    """Card names a piece of prose mentions ("... multiple MCP10's in your system" -> MPC10)."""
    return list(dict.fromkeys(re.sub(r"^MCP", "MPC", m.group(0).upper()) for m in _IN_TEXT.finditer(text)))


_CARD = re.compile(r"([A-Za-z][A-Za-z-]*?)?(\d+[A-Za-z]*)")


def card_names(qualifiers: Iterable[str]) -> list[str]:
    """Card names in platform qualifiers: "MPC10/11/LC9600" -> MPC10, MPC11, LC9600 ("11" takes the letters of
    the name before it); "MPC10 MPC11 or LC9600" -> MPC10, MPC11, LC9600."""
    out: list[str] = []
    for text in qualifiers:
        prefix = ""
        for raw in re.split(r"[/,\s]+|\bor\b|\band\b", text):
            word = raw.strip()
            m = _CARD.fullmatch(word)
            if not m:
                if word:
                    out.append(word.upper())
                continue
            prefix = (m.group(1) or prefix).upper()
            out.append(prefix + m.group(2).upper())
    return list(dict.fromkeys(out))


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _has_card(card: str, module: tuple[str, str, str]) -> bool:
    """Whether a module is that card: its model number or description holds the name, not followed by a digit
    (MPC1 is not MPC10E)."""
    want = _norm(card)
    return any(re.search(re.escape(want) + r"(?!\d)", _norm(text)) for text in module[1:] if text)


def modules_present(qualifiers: Iterable[str], modules: tuple[tuple[str, str, str], ...] | None
                    ) -> tuple[bool | None, str]:
    """Whether the chassis holds one of the cards the platform names, decided from the chassis inventory."""
    cards = card_names(qualifiers)
    named = " or ".join(cards)
    if modules is None:
        return None, f"hardware: needs {named}; the chassis inventory was not collected, so the cards are unknown"
    hits = [m for m in modules if any(_has_card(c, m) for c in cards)]
    if hits:
        shown = ", ".join(f"{m[0]} ({m[2] or m[1]})" for m in hits[:3]) + (" ..." if len(hits) > 3 else "")
        return True, f"hardware: the chassis inventory has {named}: {shown}"
    cards_seen = sorted({m[2] or m[1] for m in modules
                         if m[0].startswith("FPC") and " / " not in m[0] and (m[1] or m[2])})
    seen = f" (its cards: {', '.join(cards_seen[:6])})" if cards_seen else " (it lists no line cards)"
    return False, f"hardware: the chassis inventory has no {named}{seen}"
