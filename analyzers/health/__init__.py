"""Product Health Check (PHC) and scheduled health sweeps.

parsers/       one parser per RPC reply -> a typed record (records.py); device.py reads a snapshot folder with them
indicators/    named measurements (RE CPU, fans failed, fullest filesystem ...) read from the parsed replies
thresholds.py  catalogs/health-checks.yaml: each check reads an indicator, warning/critical limits, overrides by
               platform family and role, the reason and the action; validated with file, line and key
checks.py      evaluate: ok | warning | critical | unknown (with the reason) per device and check
compare.py     what changed since a device's previous sweep (alarms, core files, reboots, neighbours, config ...)
history.py     the sweep history: SQLite under a folder, or a SQLAlchemy URL (PostgreSQL)
sweep.py       ``run_assessment.py sweep``: collect, evaluate, store, compare, health.json and changes.json
cli.py         the command line, and ``sweep history`` (results as a table over time)

For PHC: ``evaluate_snapshot(device_dir, thresholds)`` or ``evaluate_device(device_dir, profile, thresholds)``.
"""

from analyzers.health.checks import evaluate, evaluate_device, evaluate_snapshot
from analyzers.health.records import Change, CheckResult
from analyzers.health.thresholds import Thresholds, ThresholdsError, load_thresholds

__all__ = ["Change", "CheckResult", "Thresholds", "ThresholdsError", "evaluate", "evaluate_device",
           "evaluate_snapshot", "load_thresholds"]
