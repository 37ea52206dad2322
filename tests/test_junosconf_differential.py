"""Differential test: the model's set form against set forms that came with public Junos configurations, line for
line, and a device's own XML against the same device's text (tests/data/config/PROVENANCE.md).

Normalisations allowed (and only these), applied to the sample, never to the model's output:
- N1 ``deactivate`` order: Junos prints a deactivate line after the set lines of its statement; the converter
  samples print it before them.
- N2 annotations: ``display set`` prints none; the converter samples end with ``top``/``edit``/``annotate`` lines.
- N3 one-line statements: a device prints one set line per leaf (``... file dhcp_logfile`` and ``... file size
  10m``); the converter prints a curly one-liner as one line (``... file dhcp_logfile size 10m``). The sample line
  is re-split by loading it as a set command.
- N4 quoting of simple words (the XML form carries no quotes): compared word by word.

Device set forms without a text form (batfish/lab-validation: ``show configuration | display set`` of four devices
running Junos 25.4R1.12, newer than the schema's 23.4R2) are not pairs: they check that reading a device's own set
form and writing it back, directly or through text or XML, gives the device's lines unchanged, with no
normalisation at all (no value merged or dropped, no statement moved, the device's quoting kept).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from config_helpers import set_words

from msplus.junosconf import load, parse_set, parse_text, parse_xml

DATA = Path(__file__).parent / "data" / "config"
DISPLAY_SET = DATA / "juniper_display_set"
SAMPLES = sorted(p.stem for p in DISPLAY_SET.glob("*.conf"))
DEVICE_SETS = sorted((DATA / "lab-validation").glob("*/*.set"))
_ANNOTATION_LINES = ("top", "edit", "annotate", "up", "exit")


def normalised(sample: list[str]) -> list[str]:
    lines = [line for line in sample if line.split(" ", 1)[0] not in _ANNOTATION_LINES]  # N2
    out: list[str] = []
    pending: list[str] = []
    for line in lines:
        if line.startswith("deactivate "):
            pending.append(line)  # N1: after the set lines of the statement it names
            continue
        out.extend(_flush(pending, line))
        out.extend(parse_set(line, source="sample").to_set().splitlines())  # N3
    out.extend(pending)
    return out


def _flush(pending: list[str], line: str) -> list[str]:
    """The deactivate lines whose statement's set lines are all printed before ``line``."""
    done = [d for d in pending if not line.startswith("set " + d.removeprefix("deactivate ") + " ")]
    for d in done:
        pending.remove(d)
    return done


@pytest.mark.parametrize("name", SAMPLES)
def test_set_form_equals_the_sample_line_for_line(name: str) -> None:
    tree = load(DISPLAY_SET / f"{name}.conf")
    sample = (DISPLAY_SET / f"{name}.set").read_text(encoding="utf-8").splitlines()
    assert tree.to_set().splitlines() == normalised(sample)


def test_which_samples_needed_a_normalisation() -> None:
    """The figures the README quotes: 4 samples, 511 sample lines; example2, example7 and example8 equal as they are,
    example3 needs N1 (1 line), N2 (2 lines) and N3 (1 line)."""
    exact = []
    lines = 0
    for name in SAMPLES:
        sample = (DISPLAY_SET / f"{name}.set").read_text(encoding="utf-8")
        lines += len(sample.splitlines())
        if load(DISPLAY_SET / f"{name}.conf").to_set() == sample:
            exact.append(name)
    assert (len(SAMPLES), lines) == (4, 511)
    assert exact == ["example2", "example7", "example8"]


def test_device_xml_and_device_text_of_one_configuration_agree() -> None:
    """py-junos-eznc's get-configuration reply and the same configuration as text (both from a firefly
    12.1X46-D15.3): the same set lines, word for word (N4)."""
    xml = load(DATA / "py-junos-eznc" / "get-configuration.xml")
    text = load(DATA / "py-junos-eznc" / "show-configuration.xml")
    assert len(xml.to_set().splitlines()) == 47
    assert set_words(xml.to_set()) == set_words(text.to_set())
    # web-management http is gone from the 23.4R2 schema (https only): kept, and listed as unknown by both readers
    assert [n.path for n in xml.unknown()] == [n.path for n in text.unknown()]
    assert [n.path for n in xml.unknown()] == [("system", "services", "web-management", "http")]


@pytest.mark.parametrize("path", DEVICE_SETS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_device_set_form_reads_back_line_for_line_in_every_form(path: Path) -> None:
    device = path.read_text(encoding="utf-8")
    tree = load(path)
    assert tree.warnings == [] and tree.unknown() == []
    assert tree.to_set() == device
    assert parse_text(tree.to_text(), source="text").to_set() == device
    assert parse_xml(tree.to_xml(), source="xml").to_set() == device


def test_device_set_form_figures() -> None:
    """The figures the README quotes: 4 devices of 3 labs, 713 set lines, among them statements the hand-written
    grammar lost (two ``then tunnel-attribute set``, three ``from protocol`` values, two ``vlan members``)."""
    texts = [p.read_text(encoding="utf-8") for p in DEVICE_SETS]
    assert (len(texts), len({p.parent for p in DEVICE_SETS}), sum(t.count("\n") for t in texts)) == (4, 3, 713)
    assert all(t.startswith("set version 25.4R1.12\n") for t in texts)
    joined = "".join(texts)
    assert "then tunnel-attribute set ta1\n" in joined and "then tunnel-attribute set ta2\n" in joined
    assert "tenant-a-subnets from protocol bgp\n" in joined and "vlan members VLAN300\n" in joined
