"""Device profiles from real replies (tests/data/profile/<case>/, see each PROVENANCE.md).

Each expected value below was read off the source file named in the case's PROVENANCE.md (the element or CLI line
is named in the comment), not produced by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msplus import xmlsafe
from snapshots.layout import META
from snapshots.profile import build_profile, family_of, is_evolved, profile_from_replies, software_release

DATA = Path(__file__).parent / "data" / "profile"

# case: (hostname, model, family, version, serial, routing engines, uptime seconds)
EXPECTED = {
    # <host-name>baku</host-name> in re0 (slot 0 is master in the RE reply); re0 <junos-version>15.1F5.15-C1.12
    "mx480-dual-re": ("baku", "mx480", "mx", "15.1F5.15-C1.12", None, 2, 858432),
    # no <junos-version>: "JUNOS Base OS boot [12.3R6.6]"; master RE up-time junos:seconds="60720"
    "mx960-dual-re": ("wf-kiwi", "mx960", "mx", "12.3R6.6", None, 2, 60720),
    # <chassis><serial-number>JN1249018AFB, <description>MX480; two "Routing Engine n" modules
    "mx480-chassis": (None, "mx480", "mx", None, "JN1249018AFB", 2, None),
    "srx5800-cluster": ("frogbert", "srx5800", "srx", "17.3-2017-07-02.0_RELEASE_173_THROTTLE", None, 2, None),
    # one-member VC: the member's serial BP0212121453; RE up-time junos:seconds
    "ex4200-vc": ("rppdt-ex4200a", "ex4200-48t", "ex", "13.3R2.2", "BP0212121453", 1, 15884861),
    # MX-VC: member 0 is Master* with serial JN1230B3FAFC
    "mx240-vc": ("reefbreak1", "mx240", "mx", "15.1-20161209.0", "JN1230B3FAFC", 2, None),
    "qfx-ex-mixed-vc": (None, None, None, None, "TA37134XXXXX", 0, None),
    # "JUNOS Software Release [12.1X46-D15.3]"; chassis serial aaf5fe5f9b88; system-booted-time seconds="14234"
    "vsrx-firefly": ("firefly", "firefly-perimeter", "vsrx", "12.1X46-D15.3", "aaf5fe5f9b88", 1, 14234),
    # chassis has no serial; the Backplane module's <serial-number>123456789
    "vsrx-backplane-serial": (None, "firefly-perimeter", "vsrx", None, "123456789", 1, None),
    "t1600": ("dj", "t1600", "t", "13.3R9-S2.1", None, 1, None),
    "t1600-dual-re": ("ulam", "t1600", "t", "15.1R2.9", None, 2, 5794307),
    "ptx5000-dual-re": ("musa", "ptx5000", "ptx", "16.1X70-D10.5", None, 2, 1607149),
    # NFX JDM: no junos package; MGD <release>15.1X53-D45.3.secure [dc-builder]
    "nfx250-jdm": ("jdm", "nfx250_s2_10_t", "nfx", "15.1X53-D45.3", None, 1, None),
    # product-model mx960, RE model RE-VMX: a vMX
    "vmx": ("r0", "mx960", "vmx", "16.1R1.11", None, 1, 2587295),
    "srx3600-old-release": ("lsys500", "srx3600", "srx", "12.3X48-D40.5", None, 1, None),
    # the upstream fixture had its version comment removed on purpose
    "srx3600-no-version": ("lsys500", "srx3600", "srx", None, None, 1, None),
    # CLI text: "Junos: 21.4R3-S3.4"; show chassis hardware "Chassis ... XXXXXXXX0000 QFX5100-48S-6Q"
    "qfx5100-cli": ("asxx.xx.xx", "qfx5100-48t-6q", "qfx", "21.4R3-S3.4", "XXXXXXXX0000", 1, None),
    "srx1500-cluster-cli": ("lab", "srx1500", "srx", "19.4R3-S1.3", None, 2, None),
    # vmhost show version has no "Junos:" line and no release package: the release stays unknown
    "nfx250-vmhost-cli": ("MyRouter", "nfx250_att_s1_10_t", "nfx", None, None, 1, None),
    # fpc0:/fpc1: sections, "JUNOS EX  Software Suite [13.2X51-D35.3]"; hardware "Chassis XH3123120000"
    "ex4550-vc-cli": ("lab", "ex4550-32f", "ex", "13.2X51-D35.3", "XH3123120000", 2, None),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_profile_of_real_replies(case: str) -> None:
    profile = build_profile(DATA / case)
    hostname, model, family, version, serial, res, uptime = EXPECTED[case]
    got = (profile.hostname, profile.model, profile.family, profile.version, profile.serial_number,
           profile.routing_engines, profile.uptime_seconds)
    assert got == (hostname, model, family, version, serial, res, uptime)
    assert profile.evolved is False
    if version is None or serial is None or hostname is None:
        assert profile.problems, "what could not be worked out must be said"


def test_every_case_has_provenance() -> None:
    for case in DATA.iterdir():
        text = (case / "PROVENANCE.md").read_text()
        for f in case.iterdir():
            if f.name != "PROVENANCE.md":
                assert f"| {f.name} |" in text, f"{case.name}/{f.name} has no provenance line"


def test_dual_re_with_different_releases_is_reported() -> None:
    profile = build_profile(DATA / "mx480-dual-re")
    assert profile.re_models == ("RE-S-1800x4", "RE-S-1800x4")
    assert any("re0 15.1F5.15-C1.12, re1 15.1F5.15" in p for p in profile.problems)


def test_cluster_nodes_from_cluster_status() -> None:
    profile = build_profile(DATA / "srx5800-cluster")
    assert profile.cluster and not profile.virtual_chassis
    nodes = {m.id: m for m in profile.members}
    assert set(nodes) == {"node0", "node1"}
    assert (nodes["node0"].role, nodes["node0"].status, nodes["node0"].priority) == ("primary", "primary", 100)
    assert (nodes["node1"].status, nodes["node1"].priority) == ("lost", 0)
    assert nodes["node0"].model == "srx5800"


def test_virtual_chassis_members_and_master_serial() -> None:
    profile = build_profile(DATA / "mx240-vc")
    assert profile.virtual_chassis
    assert [(m.id, m.role, m.serial_number, m.priority) for m in profile.members] == [
        ("0", "Master", "JN1230B3FAFC", 129), ("1", "Backup", "JN122D0FEAFC", 129)]
    mixed = build_profile(DATA / "qfx-ex-mixed-vc")
    assert [(m.model, m.role) for m in mixed.members] == [("qfx5100-48s-6q", "Master"), ("ex4300-24p", "Linecard")]


def test_single_member_vc_is_not_a_virtual_chassis() -> None:
    profile = build_profile(DATA / "ex4200-vc")
    assert not profile.virtual_chassis
    assert len(profile.members) == 1


def test_cluster_recognised_from_cli_node_sections() -> None:
    profile = build_profile(DATA / "srx1500-cluster-cli")
    assert profile.cluster
    assert [m.id for m in profile.members] == ["node0", "node1"]


def test_vmx_told_apart_by_its_routing_engine() -> None:
    assert build_profile(DATA / "vmx").family == "vmx"
    assert family_of("mx960", ()) == "mx"
    assert family_of("mx960", ("RE-VMX",)) == "vmx"
    assert family_of("firefly-perimeter") == "vsrx"
    assert family_of("vsrx") == "vsrx"
    assert family_of("acme-9000") is None


def test_unknown_model_is_a_problem_not_a_guess() -> None:
    sw = xmlsafe.parse(b"<software-information><host-name>x</host-name><product-model>acme-9000</product-model>"
                       b"<junos-version>21.4R3.15</junos-version></software-information>")
    profile = profile_from_replies({"get-software-information": sw})
    assert profile.family is None
    assert any("acme-9000" in p for p in profile.problems)


def test_evolved_from_release_suffix_or_packages() -> None:
    # No Evolved sample exists in the public collection; the rule is checked on its two inputs.
    assert is_evolved("22.4R3-S2.11-EVO")
    assert is_evolved("21.2R1", ["junos-evo-install-ptx-x86-64 [21.2R1-EVO]"])
    assert not is_evolved("21.4R3-S3.4", ["JUNOS Base OS boot [21.4R3-S3.4]"])


def test_configuration_version_line_is_never_the_release() -> None:
    # A configuration says "version 12.1X46-D15.3;" - the profile reads software information only.
    profile = build_profile(DATA / "srx3600-no-version")
    assert profile.version is None


def test_release_from_software_information_variants() -> None:
    root = xmlsafe.parse((DATA / "mx960-dual-re" / "software-information.xml").read_bytes())
    info = next(root.iter("{*}software-information", "software-information"))
    assert software_release(info) == "12.3R6.6"


def test_replies_recorded_as_errors_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "dev"
    folder.mkdir()
    for f in (DATA / "vsrx-firefly").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    assert build_profile(folder).serial_number == "aaf5fe5f9b88"
    meta = {"replies": [{"file": "chassis-inventory.xml", "ok": False, "error": "as if the device had refused"}]}
    (folder / META).write_text(json.dumps(meta))
    profile = build_profile(folder)
    assert profile.serial_number is None
    assert profile.version == "12.1X46-D15.3"


def test_profile_json_shape() -> None:
    data = build_profile(DATA / "srx5800-cluster").to_json()
    for key in ("hostname", "model", "family", "version", "evolved", "serial_number", "routing_engines",
                "uptime_seconds", "members", "virtual_chassis", "cluster", "re_models", "problems"):
        assert key in data
    json.dumps(data)  # serialisable as is
