"""Fuzz target for the configuration parsers (curly text, set lines, XML), to run by hand for as long as wanted.

    .venv/bin/python tests/fuzz/fuzz_config.py --seconds 600            # atheris (coverage-guided), if installed
    .venv/bin/python tests/fuzz/fuzz_config.py --seconds 600 --hypothesis   # Hypothesis, no atheris needed

atheris 3.0.0 is pinned in requirements.in for this script (a wheel exists for CPython 3.11); without it the script
falls back to Hypothesis. Seeds are the configuration samples under tests/data/config. Each input is read as every
form; the only acceptable failure is the project's own ConfigSyntaxError/InputError (a one-line message with a
place). Anything else (a traceback, RecursionError, MemoryError) is a finding. When an input parses, its set
lines must survive text and XML round trips. CI does not run this file (pytest collects only test_*.py).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # config_helpers

SEEDS = ROOT / "tests" / "data" / "config"


def check(data: bytes) -> None:
    """One input through every reader; raises AssertionError or a foreign exception on a finding."""
    from config_helpers import set_words

    from msplus.errors import InputError
    from msplus.junosconf import parse_set, parse_text, parse_xml

    for reader in (parse_text, parse_set, parse_xml):
        try:
            tree = reader(data, source="fuzz")
        except InputError:
            continue
        lines = tree.to_set()
        assert parse_text(tree.to_text(), source="fuzz-text").to_set() == lines, "text round trip"
        if "\n" in "".join(t for n in tree.iter() for t in n.tokens):
            continue  # a value spanning lines: XML readers strip the whitespace around it (documented normalisation)
        # XML carries no quotes: the model quotes what needs quotes, so compare the words
        assert set_words(parse_xml(tree.to_xml(), source="fuzz-xml").to_set()) == set_words(lines), "XML round trip"


def seeds() -> list[bytes]:
    out = [p.read_bytes()[:20000] for p in sorted(SEEDS.rglob("*")) if p.is_file() and p.suffix != ".md"]
    return out or [b"system {\n    host-name r1;\n}\n"]


def run_atheris(seconds: int) -> int:
    import atheris  # type: ignore[import-not-found]

    corpus = Path("/tmp/fuzz-config-corpus")
    corpus.mkdir(exist_ok=True)
    for i, seed in enumerate(seeds()):
        (corpus / f"seed-{i}").write_bytes(seed)
    with atheris.instrument_imports(include=["msplus"]):  # coverage of the parsers (imported here first)
        import msplus.junosconf  # noqa: F401
    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", "-max_len=20000", str(corpus)], check)
    atheris.Fuzz()
    return 0


def run_hypothesis(seconds: int) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = [s[i : i + 200] for s in seeds() for i in range(0, len(s), 200)]
    words = st.sampled_from(
        [b"{", b"}", b";", b"[", b"]", b'"', b"#", b"/*", b"*/", b"inactive:", b"set ", b"delete ", b"<a>", b"</a>",
         b"\n", b" ", b"unit 0", b"family inet", b"\\", b"\xff", b"<configuration>"]
    )  # fmt: skip
    inputs = st.lists(st.one_of(st.sampled_from(pieces), words, st.binary(max_size=20)), max_size=40).map(b"".join)
    deadline = time.monotonic() + seconds
    count = 0

    @settings(max_examples=10**9, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs)
    def fuzz(data: bytes) -> None:
        nonlocal count
        count += 1
        if time.monotonic() > deadline:
            raise _Done
        check(data)

    with contextlib.suppress(_Done):
        fuzz()
    print(f"{count} inputs in {seconds} s, no finding")
    return 0


class _Done(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--hypothesis", action="store_true", help="use Hypothesis even when atheris is installed")
    args = parser.parse_args()
    if not args.hypothesis:
        try:
            import atheris  # type: ignore[import-not-found]  # noqa: F401
        except ImportError:
            print("atheris not installed: fuzzing with Hypothesis", file=sys.stderr)
        else:
            return run_atheris(args.seconds)
    return run_hypothesis(args.seconds)


if __name__ == "__main__":
    raise SystemExit(main())
