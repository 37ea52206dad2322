"""What travels through the broker and how a site worker finds passwords, without a broker: a task message names the
password's variable and never holds its value; a device with an inline password is refused; the worker's secrets
file must be private; a device folder comes back byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collectors.distributed.credentials import WorkerSecrets, read_secrets_file
from collectors.distributed.engine import queue_name
from collectors.distributed.messages import (
    RefusedDevice,
    device_from_message,
    device_message,
    pack_files,
    unpack_files,
)
from msplus.errors import InputError
from msplus.inventory import load_inventory
from msplus.records import Device
from msplus.secrets import Secret

PASSWORD = "Msg-91c4-not-on-the-wire"


def _inventory(tmp_path: Path, credentials: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(f"defaults: {{username: lab, {credentials}}}\n"
                    "devices:\n  - {name: r1, host: 192.0.2.1, site: SG1}\n  - {name: r2, host: 192.0.2.2}\n")
    return path


def test_the_central_node_needs_no_password_and_sends_only_its_variable_name(tmp_path: Path) -> None:
    inventory = load_inventory(_inventory(tmp_path, "password_env: SITE_PW"), environ={}, resolve_passwords=False)
    message = device_message(inventory.devices[0], known_hosts=None)
    assert message["password_env"] == "SITE_PW" and "password" not in message
    assert json.loads(json.dumps(message)) == message  # plain JSON, nothing pickled
    with pytest.raises(InputError, match="SITE_PW is not set"):  # a local run still needs it
        load_inventory(_inventory(tmp_path, "password_env: SITE_PW"), environ={})


def test_the_worker_reads_the_password_from_its_environment_then_its_secrets_file(tmp_path: Path) -> None:
    secrets_file = tmp_path / "secrets.env"
    secrets_file.write_text(f"# site SG1\nexport SITE_PW='{PASSWORD}'\nOTHER=x\n")
    secrets_file.chmod(0o600)
    message = device_message(Device(name="r1", host="192.0.2.1", password_env="SITE_PW"), known_hosts=None)
    device, _, problem = device_from_message(message, WorkerSecrets.load(secrets_file, environ={}))
    assert problem is None and device.password == Secret(PASSWORD)
    device, _, _ = device_from_message(message, WorkerSecrets.load(secrets_file, environ={"SITE_PW": "from-env"}))
    assert device.password == Secret("from-env")
    _, _, problem = device_from_message(message, WorkerSecrets.load(None, environ={}))
    assert problem is not None and "this worker has no SITE_PW" in problem and PASSWORD not in problem


def test_an_inline_password_is_refused(tmp_path: Path) -> None:
    inventory = load_inventory(_inventory(tmp_path, f"password: {PASSWORD}"))
    with pytest.raises(RefusedDevice, match="never travels through the broker") as caught:
        device_message(inventory.devices[0], known_hosts=None)
    assert PASSWORD not in str(caught.value)


def test_a_secrets_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text(f"SITE_PW={PASSWORD}\n")
    path.chmod(0o640)
    with pytest.raises(InputError, match="readable by others"):
        read_secrets_file(path)
    path.chmod(0o600)
    path.write_text(f"SITE_PW={PASSWORD}\nthis line has no equals sign {PASSWORD}\n")
    with pytest.raises(InputError) as caught:
        read_secrets_file(path)
    assert str(caught.value).endswith(":2: expected NAME=value") and PASSWORD not in str(caught.value)


def test_a_folder_travels_byte_for_byte_and_queues_are_named_by_site() -> None:
    files = {"a.xml": b"<rpc-reply>\x00\xff</rpc-reply>", "meta.json": b"{}\n", "empty": b""}
    assert unpack_files(json.loads(json.dumps(pack_files(files)))) == files
    assert queue_name("SG1") == "msplus.SG1" and queue_name(None, "t1") == "t1.default"
    assert queue_name("site 9/b") == "msplus.site_9_b"
