"""The verdict rules of issue 12, each on real records (tests/data/advisories/juniper-cve) and real device data:
a feature the title names becomes a configuration condition (J-Web needs the web-management service), the lowest
release solutions[] lists in a train is that train's first fix, and line-card platforms are decided from the
chassis inventory."""

from __future__ import annotations

import json
from pathlib import Path

from analyzers.advisories.cards import modules_present
from analyzers.advisories.catalog import Catalog, validate
from analyzers.advisories.cve_import import first_of_train, import_record
from analyzers.advisories.devices import Target
from analyzers.advisories.match import Matcher
from msplus.junos_release import parse_release
from msplus.yamlsource import Locator
from snapshots.profile import build_profile

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "tests" / "data" / "advisories" / "juniper-cve"
LAB = ROOT / "lab" / "devices"


def entry(cve: str) -> Catalog:
    data, _ = import_record(json.loads((RECORDS / f"{cve}.json").read_text(encoding="utf-8")), f"{cve}.json")
    return validate({"schema_version": 1, "entries": [data]}, Locator(cve))


def verdict(catalog: Catalog, target: Target) -> tuple[str, tuple[str, ...]]:
    found = Matcher(catalog).assess([target], include_unaffected=True)[0].verdicts[0]
    return found.verdict, found.evidence


def srx(name: str, folder: str, version: str) -> Target:
    config = LAB / folder / "config.conf"
    return Target(name, "srx345", version, False, family="srx", config=config, config_digest=folder)


def test_j_web_advisory_needs_the_web_management_service(tmp_path: Path) -> None:
    catalog = entry("CVE-2018-0001")  # "Unauthenticated Remote Code Execution through J-Web interface"
    condition = catalog.entries[0].conditions
    assert condition is not None and "system services web-management" in {c.pattern for c in condition.items}
    # the same release; the vSRX lab configuration has web-management http, the SRX345's has none
    with_jweb = verdict(catalog, srx("fw-2", "vsrx-firefly", "12.1X46-D15.3"))
    assert with_jweb[0] == "affected"
    assert any("set system services web-management" in line for line in with_jweb[1])
    text = (LAB / "vsrx-firefly" / "config.conf").read_text(encoding="utf-8")
    stanza = ("        web-management {\n            http {\n                interface ge-0/0/0.0;\n"
              "            }\n        }\n")
    assert stanza in text
    (tmp_path / "config.conf").write_text(text.replace(stanza, ""), encoding="utf-8")
    without = Target("fw-3", "srx345", "12.1X46-D15.3", False, family="srx", config=tmp_path / "config.conf",
                     config_digest="no-jweb")
    value, evidence = verdict(catalog, without)
    assert value == "not_affected" and any("web-management" in line for line in evidence)


def test_record_without_feature_words_gains_no_condition() -> None:
    bgp = entry("CVE-2023-4481").entries[0].conditions
    assert bgp is not None and {c.pattern for c in bgp.items} == {"protocols bgp"}


def test_lowest_fix_listed_in_a_train_is_its_first_fix() -> None:
    # CVE-2024-39515 solutions[]: "Junos OS Evolved: ... 24.2R1-EVO, 24.2R2-EVO, ..." and versions[] says nothing of
    # 24.2-EVO: 24.2R1-EVO, the train's first release, is the first fix, so no 24.2-EVO release is affected.
    assert first_of_train(parse_release("24.2R1-EVO")) and not first_of_train(parse_release("24.2R2-EVO"))
    catalog = entry("CVE-2024-39515")
    ranges = [r for b in catalog.entries[0].blocks for r in b.ranges if r.train == "24.2-EVO"]
    assert ranges == []
    ptx = Target("p-1", "ptx10008", "24.2R1-EVO", True, family="ptx")
    assert verdict(catalog, ptx)[0] == "not_affected"


def test_line_card_platform_decided_from_the_chassis_inventory() -> None:
    catalog = entry("CVE-2024-39542")  # "MX Series with MPC10 MPC11 or LC9600"
    profile = build_profile(ROOT / "tests" / "data" / "profile" / "mx480-chassis")  # a real MX480: MPC5E cards
    modules = tuple((m.slot, m.description or "", m.model_number or "") for m in profile.modules or ())
    assert any("MPC5E" in d for _, d, _ in modules)
    mx = Target("pe-1", "mx480", "21.4R1", False, family="mx", modules=modules)
    value, evidence = verdict(catalog, mx)
    assert value == "not_affected"
    assert any("chassis inventory has no MPC10 or MPC11 or LC9600" in line for line in evidence)
    unknown = Target("pe-2", "mx480", "21.4R1", False, family="mx")  # no inventory collected: cannot tell
    assert verdict(catalog, unknown)[0] == "indeterminate"
    with_mpc10 = (*modules, ("FPC 5", "MPC10E 3D MRATE-15xQSFPP", "MPC10E-15C-MRATE"))
    assert modules_present(["MPC10 MPC11", "LC9600"], with_mpc10)[0] is True


def test_a_finding_names_the_fix_of_the_device_train_first() -> None:
    from analyzers.advisories.trainfix import own_train_fix
    from analyzers.services.matching import recommendation

    catalog = entry("CVE-2023-0026")  # 22.2 before 22.2R3-S2; 22.3 before 22.3R2-S2, 22.3R3-S1; ...
    target = Target("pe-1", "mx960", "22.3R2-S1", False, family="mx")
    found = Matcher(catalog).assess([target], include_unaffected=True)[0].verdicts[0]
    fix = own_train_fix(found.fixed_in, "22.3R2-S1")
    assert (fix.release, fix.where) == ("22.3R2-S2", "own")
    assert own_train_fix(found.fixed_in, "22.3R3").release == "22.3R3-S1"
    text = recommendation(found.entry, found.fixed_in, None, release="22.3R2-S1")
    assert "Upgrade to 22.3R2-S2 or later" in text and "22.2R3-S2" not in text  # not every train's fix
    every = [str(f) for b in catalog.entries[0].blocks for f in b.fixed_points()]
    no_own = next(t for t in ("21.1R1", "20.1R1", "19.1R1") if not any(f.startswith(t[:4]) for f in every))
    later = own_train_fix(every, no_own)
    assert later.where == "next" and later.release is not None and later.release[:4] > no_own[:4]


def test_a_card_named_in_the_configuration_prose_is_looked_up_in_the_inventory() -> None:
    # CVE-2019-0056: configurations[] says "determine if there are multiple MCP10's in your system" (MPC10E cards)
    from analyzers.advisories.cards import cards_in_text

    catalog = entry("CVE-2019-0056")
    condition = catalog.entries[0].conditions
    assert condition is not None and cards_in_text(condition.items[0].text) == ["MPC10", "MPC10E"]
    profile = build_profile(ROOT / "tests" / "data" / "profile" / "mx480-chassis")
    modules = tuple((m.slot, m.description or "", m.model_number or "") for m in profile.modules or ())
    without = verdict(catalog, Target("pe-1", "mx480", "18.1R2", False, family="mx", modules=modules))
    assert without[0] == "not_affected" and any("inventory has no MPC10" in e for e in without[1])
    with_mpc10 = (*modules, ("FPC 5", "MPC10E 3D MRATE-15xQSFPP", "MPC10E-15C-MRATE"))
    assert verdict(catalog, Target("pe-2", "mx480", "18.1R2", False, family="mx", modules=with_mpc10))[0] \
        == "affected"
    assert verdict(catalog, Target("pe-3", "mx480", "18.1R2", False, family="mx"))[0] == "indeterminate"
