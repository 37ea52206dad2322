"""The output of ``catalog match``: one row per (device, entry) pair, as JSON objects or a text table.

JSON contract (also read by the review reports): a list of objects with ``device``, ``id`` (the CVE id for
imported entries), ``advisory`` (the JSA number), ``verdict``, ``evidence`` (list of strings), ``fixed_in`` (list
of releases) and ``recommended_release``; also ``model``, ``release``, ``kind``, ``title``, ``severity``,
``impact`` and ``upgrade`` (the device's upgrade plan, see analyzers/advisories/upgrade.py).
"""

from __future__ import annotations

from typing import Any

from analyzers.advisories.match import Assessment
from analyzers.advisories.upgrade import plan

_ORDER = {"affected": 0, "indeterminate": 1, "not_affected": 2}
_SEVERITY = {"critical": 0, "high": 1, "medium": 2, "low": 3, "none": 4, "unknown": 5}


def rows(assessments: list[Assessment]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for assessment in assessments:
        upgrade = plan(assessment)
        verdicts = sorted(assessment.verdicts, key=lambda v: (_ORDER[v.verdict], _SEVERITY[v.entry.severity],
                                                              v.entry.id))
        for target in assessment.targets:
            for v in verdicts:
                impact = v.entry.model.impact
                out.append({
                    "device": target.name,
                    "model": target.model,
                    "release": target.version,
                    "id": v.entry.id,
                    "advisory": v.entry.advisory,
                    "kind": v.entry.kind,
                    "title": v.entry.title,
                    "severity": v.entry.severity,
                    "verdict": v.verdict,
                    "evidence": list(v.evidence),
                    "fixed_in": list(v.fixed_in),
                    "recommended_release": upgrade.recommended,
                    "impact": {"kinds": list(impact.kinds), "downtime": impact.downtime} if impact else None,
                    "upgrade": upgrade.to_json(),
                })
    out.sort(key=lambda r: (r["device"], _ORDER[r["verdict"]], _SEVERITY[r["severity"]], r["id"]))
    return out


def table(out: list[dict[str, Any]], assessments: list[Assessment]) -> str:
    """A plain-text table: one line per pair with its first evidence line, then one upgrade line per device."""
    header = ("DEVICE", "RELEASE", "ID", "SEVERITY", "VERDICT", "WHY")
    lines = [header]
    for r in out:
        why = next((e for e in r["evidence"] if not e.startswith("platform")), r["evidence"][0] if r["evidence"]
                   else "")
        lines.append((r["device"], r["release"] or "?", r["id"], r["severity"], r["verdict"], why[:90]))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header) - 1)]
    text = "".join("  ".join(str(c).ljust(w) for c, w in zip(line[:-1], widths, strict=True)) + "  " + line[-1]
                   + "\n" for line in lines)
    text += "\n"
    for assessment in sorted(assessments, key=lambda a: a.targets[0].name):
        upgrade = plan(assessment)
        own = upgrade.own
        note = f" (own train: {own.release} leaves {len(own.still_open)} open)" if own and own.still_open else ""
        matched = len(upgrade.matched)
        for target in assessment.targets:
            text += (f"{target.name}: {matched} matched entr{'y' if matched == 1 else 'ies'}; recommended release "
                     f"{upgrade.recommended or ('none needed' if not matched else 'none found')}{note}\n")
    return text
