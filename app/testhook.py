"""A fault-injection point for tests of ``assess`` with real processes: ``ASSESS_TEST_HOOK=STEP:ACTION``.

When the run reaches STEP it prints ``assess test hook: STEP`` on stderr and sends itself a signal: ``kill``
(SIGKILL), ``int`` (SIGINT, as Ctrl-C), ``term`` (SIGTERM) or ``pause`` (SIGSTOP: the test resumes it with
SIGCONT). Steps, in order: ``locked``, ``reserved``, ``collected``, ``rendered``, ``publish-rename-N`` (before the
N-th file rename of the publish step, from 1), ``published``, ``capturing``, ``captured``. Unset (the normal case)
it does nothing.
"""

from __future__ import annotations

import os
import signal
import sys

ENV = "ASSESS_TEST_HOOK"
ACTIONS = {"kill": signal.SIGKILL, "int": signal.SIGINT, "term": signal.SIGTERM, "pause": signal.SIGSTOP}


def reached(step: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, action = spec.rpartition(":")
    if target != step or action not in ACTIONS:
        return
    print(f"assess test hook: {step}", file=sys.stderr, flush=True)
    os.kill(os.getpid(), ACTIONS[action])
