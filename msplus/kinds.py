"""The closed vocabularies of the pipeline, as types mypy checks: a misspelt kind, severity, status or verdict is a
type error at the line that writes it, not a silently unmatched string in a report.

Each ``Literal`` has a tuple of its values beside it for code that validates input or orders values.
"""

from __future__ import annotations

from typing import Literal, get_args

# How talking to one device failed (meta.json ``error.kind``, CollectionResult.error_kind, summaries).
FailureKind = Literal["unreachable", "refused", "auth", "hostkey", "timeout", "disconnected", "malformed_reply",
                      "rpc_error", "unsupported", "internal"]
FAILURE_KINDS: tuple[FailureKind, ...] = get_args(FailureKind)

# Severity of a configuration finding (CACR rules), most severe first.
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)

# Severity of an advisory as published (CVSS words), "unknown" when the record gives none.
AdvisorySeverity = Literal["critical", "high", "medium", "low", "none", "unknown"]

# Outcome of a health check for one device.
HealthStatus = Literal["ok", "warning", "critical", "unknown"]
HEALTH_STATUSES: tuple[HealthStatus, ...] = get_args(HealthStatus)

# Whether an advisory or notification applies to a device.
VerdictKind = Literal["affected", "not_affected", "indeterminate"]
VERDICTS: tuple[VerdictKind, ...] = get_args(VerdictKind)

# Outcome of one CACR rule on one configuration.
RuleStatus = Literal["fail", "pass", "not_applicable", "skipped"]

# Whether a CACR rule applies to a device's profile (checked before the rule runs).
Applicability = Literal["ok", "not_applicable", "skipped"]
