"""Evaluating the checks: each check's indicator read from the device's parsed replies, compared with the limits
that apply to the device's platform family and role.

Statuses: ok, warning, critical, or unknown when the indicator has no value (reply missing, not supported on the
platform) - with the reason in ``detail``, never a silent ok. A check that does not apply to the device (its
catalog entry's ``not_applicable`` families; a chassis cluster check on a device whose profile is a single chassis)
is ok with "not applicable: why" as its detail. An unknown result carries no action: there is nothing to fix on
the device, the detail says which data was missing.

The entry points PHC and the sweep use:

    evaluate_snapshot(device_dir, thresholds)                 # one device folder of a snapshot
    evaluate_device(device_dir, profile, thresholds)          # the same with a profile already built
    evaluate(health, thresholds)                              # replies already parsed (analyzers.health.device)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analyzers.health.device import DeviceHealth, read_device
from analyzers.health.indicators import INDICATORS, Reading
from analyzers.health.records import CheckResult
from analyzers.health.thresholds import CheckSpec, Thresholds, load_thresholds
from msplus.records import DeviceProfile


def evaluate(health: DeviceHealth, thresholds: Thresholds | None = None) -> list[CheckResult]:
    """One result per check of ``thresholds``, in catalog order."""
    spec = thresholds or load_thresholds()
    return [result_of(health.device, check, _reading(health, check), family=health.family, role=health.role)
            for check in spec.checks]


def _reading(health: DeviceHealth, check: CheckSpec) -> Reading:
    if not check.applies_to(health.family):
        # Nothing to be wrong (a virtual platform has no fans): ok, and the detail says why it was not read.
        return Reading(0.0, f"not applicable on {health.family}: {check.not_on_why}")
    return INDICATORS[check.reads].read(health, check.ignore)


def result_of(device: str, check: CheckSpec, reading: Reading, *, family: str | None = None,
              role: str | None = None) -> CheckResult:
    limits = check.limits(family, role)
    status = "unknown" if reading.value is None else limits.status(reading.value)
    return CheckResult(device=device, check=check.id, status=status, value=reading.value,
                       threshold=limits.to_json(check.unit),
                       action=check.action if status in ("warning", "critical") else "",
                       detail=reading.detail, title=check.title, reason=check.reason, unit=check.unit)


def evaluate_snapshot(device_dir: str | Path, thresholds: Thresholds | None = None, *,
                      role: str | None = None) -> list[CheckResult]:
    """Every check for one device folder of a snapshot (its profile.json gives the platform family)."""
    return evaluate(read_device(device_dir, role=role), thresholds)


def evaluate_device(device_dir: str | Path, profile: DeviceProfile | None, thresholds: Thresholds | None = None, *,
                    role: str | None = None) -> list[CheckResult]:
    """Every check for one device folder, with the profile the caller already has (PHC builds it first)."""
    return evaluate(read_device(device_dir, role=role, profile=profile), thresholds)


def unreachable(device: str, reason: str, thresholds: Thresholds | None = None, *, family: str | None = None,
                role: str | None = None) -> list[CheckResult]:
    """Results for a device that could not be reached: reachability critical with the reason, every other
    check unknown because there is nothing to read (never dropped from the output)."""
    spec = thresholds or load_thresholds()
    results = []
    for check in spec.checks:
        if check.reads == "device.reachability":
            reading = Reading(0.0, f"not reached: {reason}")
        else:
            reading = Reading.missing(f"no data: the device was not reached ({reason})")
        results.append(result_of(device, check, reading, family=family, role=role))
    return results


def worst(results: Sequence[CheckResult]) -> str:
    """The worst status among results (critical > warning > unknown > ok)."""
    order = {"critical": 3, "warning": 2, "unknown": 1, "ok": 0}
    return max((r.status for r in results), key=lambda s: order[s], default="ok")
