"""Inventory loading: valid files become typed records; every kind of mistake is named with file, line and key."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from msplus.errors import InventoryError
from msplus.inventory import load_inventory

GOOD = """\
customer:
  id: acme-sg
  name: ACME Pte Ltd
  theater: APAC
  country: SG
  prequalified: true
  care_contract: {id: JC-1001, start: 2026-01-01, end: 2027-12-31, serials: [JN1234AB5CDE]}
  contacts:
    lead: {name: A. Lead, email: lead@acme.example}
    technical: [{name: B. Eng, email: b@acme.example, certification: JNCIS-SP}, {name: C. Eng, email: c@acme.example}]
defaults: {driver: pyez, port: 830, username: lab, password_env: ACME_PASSWORD}
devices:
  - {name: sg-core-1, host: 127.0.1.1, port: 830, role: core, site: SG1, tags: [pe, dual-re]}
  - {name: sg-fw-1, host: 127.0.1.2, driver: netmiko, port: 22}
  - {name: sg-edge-9, driver: offline, files: customer-files/sg-edge-9/}
"""


def write(tmp_path: Path, text: str, name: str = "inv.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    (tmp_path / "customer-files" / "sg-edge-9").mkdir(parents=True, exist_ok=True)
    return path


def test_good_inventory_becomes_records(tmp_path: Path) -> None:
    inv = load_inventory(write(tmp_path, GOOD), environ={"ACME_PASSWORD": "s3cret!"})
    assert inv.customer is not None
    assert inv.customer.care_contract is not None
    assert inv.customer.care_contract.end == date(2027, 12, 31)
    assert inv.customer.care_contract.serials == ("JN1234AB5CDE",)
    assert [t.certification for t in inv.customer.technical] == ["JNCIS-SP", None]
    core, fw, edge = inv.devices
    assert (core.driver, core.port, core.username, core.tags) == ("pyez", 830, "lab", ("pe", "dual-re"))
    assert (fw.driver, fw.port) == ("netmiko", 22)
    assert core.password is not None and core.password.reveal() == "s3cret!"
    assert edge.driver == "offline"
    # relative paths are relative to the inventory file
    assert edge.files == (tmp_path / "customer-files" / "sg-edge-9").resolve()


def test_password_never_in_repr(tmp_path: Path) -> None:
    inv = load_inventory(write(tmp_path, GOOD), environ={"ACME_PASSWORD": "s3cret!"})
    assert "s3cret!" not in repr(inv)
    assert "s3cret!" not in str(inv.devices[0])
    assert "s3cret!" not in f"{inv.devices[0].password}"


def test_missing_env_var_is_named_without_value(tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as err:
        load_inventory(write(tmp_path, GOOD), environ={})
    message = str(err.value)
    assert "ACME_PASSWORD" in message and "defaults.password_env" in message and "sg-core-1" in message
    assert err.value.line == 11  # where password_env is given: the defaults line


@pytest.mark.parametrize(
    ("edit", "line", "key", "words"),
    [
        (("port: 830, role", "prot: 830, role"), 13, "devices[0].prot", "unknown key"),
        (("driver: netmiko", "driver: telnet"), 14, "devices[1].driver", "unknown driver"),
        (("port: 22", "port: 99999"), 14, "devices[1].port", "less than or equal"),
        (("end: 2027-12-31", "end: 2025-12-31"), 7, "customer.care_contract", "before it starts"),
        (("email: b@acme.example", "email: not-an-email"), 10, "customer.contacts.technical[0].email", "e-mail"),
        (("name: sg-fw-1", "name: sg-core-1"), 14, "devices[1].name", "duplicate device name"),
        (("name: sg-fw-1", "name: 'bad/name'"), 14, "devices[1].name", "folder"),
        (("host: 127.0.1.2", "host: 127.0.1.1"), 14, "devices[1].host", None),
        (("files: customer-files/sg-edge-9/", "files: nowhere/"), 15, "devices[2].files", "does not exist"),
        (("country: SG", "country: Singapore"), 5, "customer.country", "at most 2"),
    ],
)
def test_mistakes_are_located(tmp_path: Path, edit: tuple[str, str], line: int, key: str, words: str | None) -> None:
    text = GOOD.replace(*edit)
    assert text != GOOD
    if "127.0.1.1" in edit[1]:
        text = text.replace("driver: netmiko, port: 22", "driver: pyez")
    with pytest.raises(InventoryError) as err:
        load_inventory(write(tmp_path, text), environ={"ACME_PASSWORD": "x"})
    assert err.value.key == key
    assert err.value.line == line
    assert str(err.value).startswith(str(tmp_path / "inv.yaml") + f":{line}:")
    if words:
        assert words in str(err.value)


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as err:
        load_inventory(write(tmp_path, "devices:\n  - {name: a, host: [unclosed\n"))
    assert err.value.line is not None and err.value.column is not None
    assert "invalid YAML" in str(err.value)


def test_not_a_mapping_and_empty_device_list(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="mapping"):
        load_inventory(write(tmp_path, "- just\n- a list\n"))
    with pytest.raises(InventoryError, match=r"devices"):
        load_inventory(write(tmp_path, "devices: []\n"))


def test_host_required_unless_offline(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="host is required") as err:
        load_inventory(write(tmp_path, "devices:\n  - {name: a}\n"))
    assert err.value.key == "devices[0]" and err.value.line == 2


def test_device_credentials_replace_defaults(tmp_path: Path) -> None:
    text = """\
    defaults: {username: lab, password_env: NOPE}
    devices:
      - {name: a, host: 127.0.0.1, password: inline}
      - {name: b, host: 127.0.0.2, password_prompt: true}
      - {name: c, host: 127.0.0.3, password_prompt: true}
    """
    asked: list[str] = []

    def prompt(question: str) -> str:
        asked.append(question)
        return "typed"

    inv = load_inventory(write(tmp_path, text), prompt=prompt, environ={})
    assert inv.devices[0].password is not None and inv.devices[0].password.reveal() == "inline"
    assert inv.devices[1].password is not None and inv.devices[1].password.reveal() == "typed"
    assert asked == ["Password for lab: "]  # asked once for the same user


def test_prompt_without_terminal_is_refused(tmp_path: Path) -> None:
    text = "devices:\n  - {name: a, host: 127.0.0.1, password_prompt: true}\n"
    with pytest.raises(InventoryError, match="interactive"):
        load_inventory(write(tmp_path, text), prompt=None)


def test_known_hosts_is_relative_to_inventory(tmp_path: Path) -> None:
    text = "known_hosts: keys/known_hosts\ndevices:\n  - {name: a, host: 127.0.0.1}\n"
    inv = load_inventory(write(tmp_path, text))
    assert inv.known_hosts == (tmp_path / "keys" / "known_hosts").resolve()
