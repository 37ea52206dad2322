"""Fuzzing the parsers that read hostile input, for as long as a developer wants (CI runs the same properties with a
small budget in tests/test_properties.py).

    .venv/bin/python fuzz/fuzz_parsers.py TARGET [--seconds 300] [atheris/libFuzzer options...]

TARGET: release (msplus.junos_release), yaml (msplus.yamlsource), json (msplus.jsonsource), cve (the CVE importer,
records mutated from real ones). With atheris 3.0.0 installed (``pip install atheris==3.0.0``; it is in this
project's virtualenv but not in requirements.lock, since CI does not need it) the target runs under libFuzzer with
coverage guidance; without it, the same target runs as a time-bounded Hypothesis search. Either way an input that
raises anything but the project's own errors (InputError, ReleaseError, CveImportError) is a finding: the script
stops and prints it (libFuzzer also saves it as crash-*).

For ``cve`` under atheris, start from real records (libFuzzer adds new inputs to the first folder, so use a copy):
    cp -r tests/data/advisories/juniper-cve /tmp/cve-corpus && .venv/bin/python fuzz/fuzz_parsers.py cve /tmp/cve-corpus
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

_SPOOL = Path(tempfile.mkdtemp(prefix="fuzz-cve-")) / "record.json"
_P: dict[str, Any] = {}  # the project's parsers, imported by _load (under atheris' instrumentation when it runs)


def _load() -> None:
    from analyzers.advisories.cve_import import CveImportError, import_files
    from msplus.errors import InputError
    from msplus.jsonsource import loads_json
    from msplus.junos_release import ReleaseError, parse_release
    from msplus.yamlsource import loads_located

    _P.update(expected=(InputError, ReleaseError, CveImportError), import_files=import_files,
              loads_json=loads_json, parse_release=parse_release, loads_located=loads_located)


def release(data: bytes) -> None:
    _P["parse_release"](data.decode("utf-8", errors="replace"))


def yaml_text(data: bytes) -> None:
    _P["loads_located"](data.decode("utf-8", errors="replace"), "fuzz.yaml")


def json_text(data: bytes) -> None:
    _P["loads_json"](data.decode("utf-8", errors="replace"), "fuzz.json")


def cve_record(record: Any) -> None:
    _SPOOL.write_text(json.dumps(record), encoding="utf-8")
    _P["import_files"]([_SPOOL])


TARGETS = {"release": release, "yaml": yaml_text, "json": json_text}


def one_input(target: str, data: bytes) -> None:
    try:
        if target == "cve":
            try:
                record = json.loads(data)
            except ValueError:
                return
            cve_record(record)
        else:
            TARGETS[target](data)
    except _P["expected"]:
        return


def with_atheris(target: str, argv: list[str]) -> None:
    import atheris

    def run(data: bytes) -> None:
        one_input(target, data)

    # Coverage guidance for this project's parsers and PyYAML (instrumenting everything loaded takes minutes).
    with atheris.instrument_imports(include=["msplus", "analyzers", "yaml"]):
        _load()
    atheris.Setup([sys.argv[0], *argv], run)
    atheris.Fuzz()


def with_hypothesis(target: str, seconds: float) -> None:
    _load()
    from hostile_strategies import mutated_records, release_like
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    strategy = {
        "release": release_like.map(lambda t: t.encode()),
        "yaml": st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)),
        "json": st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)),
        "cve": mutated_records().map(lambda r: json.dumps(r).encode()),
    }[target]
    deadline = time.monotonic() + seconds
    runs = 0

    @settings(max_examples=10**9, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def search(data: bytes) -> None:
        nonlocal runs
        runs += 1
        if time.monotonic() > deadline:
            raise _TimeUp
        one_input(target, data)

    try:
        search()
    except _TimeUp:
        print(f"{target}: {runs:,} inputs in {seconds:g}s, no finding (Hypothesis; install atheris for coverage "
              "guidance)")


class _TimeUp(Exception):  # a signal to stop, not an error
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=(*TARGETS, "cve"))
    parser.add_argument("--seconds", type=float, default=300, help="how long to run (default 300)")
    parser.add_argument("--hypothesis", action="store_true", help="use Hypothesis even when atheris is installed")
    args, rest = parser.parse_known_args()
    try:
        import atheris  # noqa: F401
    except ImportError:
        use_atheris = False
    else:
        use_atheris = not args.hypothesis
    if use_atheris:
        with_atheris(args.target, [f"-max_total_time={int(args.seconds)}", *rest])
    else:
        with_hypothesis(args.target, args.seconds)


if __name__ == "__main__":
    main()
