"""Every device fault, through the lab simulator over real SSH with the pyez collector: the faulty device's meta.json
records the error (kind and message), what arrived before the failure is kept, and the run goes on for the others."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.run import collect_inventory
from lab.server import LabServer, load_device_folder
from msplus.records import CollectionResult, Device, Inventory
from msplus.secrets import Secret
from snapshots.layout import read_meta

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "lab" / "devices" / "vsrx-firefly"
PASSWORD = "Fw-8d1c-unusual-pass"
FACTS = ("facts",)
# facts plan order: software-information, chassis-inventory, route-engine-information, system-uptime-information,
# virtual-chassis-information, chassis-cluster-status
NAMES = ("ok", "hang", "drop", "drop-after", "cut", "laughs", "xxe", "empty", "empty-optional", "huge", "noauth",
         "keyed", "refusing")


@pytest.fixture(scope="module")
def lab(home: Path) -> Iterator[LabServer]:
    sims = [load_device_folder(FOLDER, name=name, host=f"127.0.3.{i + 1}", port=0, username="lab", password=PASSWORD)
            for i, name in enumerate(NAMES)]
    by_name = {s.name: s for s in sims}
    by_name["hang"].faults.hang_on.add("get-route-engine-information")
    by_name["drop"].faults.disconnect_on.add("get-system-uptime-information")
    by_name["drop-after"].faults.disconnect_after_rpcs = 2
    by_name["cut"].faults.malformed_xml.add("get-route-engine-information")
    by_name["laughs"].faults.entity_expansion.add("get-chassis-inventory")
    by_name["xxe"].faults.external_entity.add("get-system-uptime-information")
    by_name["empty"].set_reply("get-software-information", "<rpc-reply></rpc-reply>")
    by_name["empty-optional"].set_reply("get-system-uptime-information", "<rpc-reply></rpc-reply>")
    by_name["huge"].faults.large_reply = ("get-software-information", 24.0)
    by_name["noauth"].faults.reject_auth = True
    with LabServer(sims) as server:
        by_name["refusing"].faults.refuse_connection = True  # listening, but drops every connection it accepts
        yield server


def device(lab: LabServer, name: str, *, timeout: float = 5, connect_timeout: float = 3, **kw: object) -> Device:
    host, port = lab.address(name)
    fields: dict = {"name": name, "host": host, "port": port, "username": "lab", "password": Secret(PASSWORD),
                    "timeout": timeout, "connect_timeout": connect_timeout}
    fields.update(kw)
    return Device(**fields)


def run(tmp_path: Path, *devices: Device, known_hosts: Path | None = None,
        purposes: tuple[str, ...] = FACTS) -> dict[str, CollectionResult]:
    inventory = Inventory(path=tmp_path / "inventory.yaml", customer=None, devices=devices, known_hosts=known_hosts)
    results = collect_inventory(inventory, tmp_path / "snap", workers=4, purposes=purposes)
    assert [r.device for r in results] == [d.name for d in devices]
    return {r.device: r for r in results}


def failed(tmp_path: Path, results: dict[str, CollectionResult], name: str, kind: str) -> dict:
    """The faulty device failed with ``kind``, its meta.json says so, and the healthy ``ok`` device was collected."""
    assert results["ok"].ok, results["ok"].error
    assert read_meta(tmp_path / "snap" / "ok")["ok"] is True
    result = results[name]
    assert (result.ok, result.error_kind) == (False, kind), result.error
    meta = read_meta(tmp_path / "snap" / name)
    assert meta["status"] == "failed"
    assert meta["error"]["kind"] == kind
    assert meta["error"]["message"] == result.error
    assert_no_password(tmp_path)
    return meta


def saved(tmp_path: Path, name: str) -> list[str]:
    return sorted(p.name for p in (tmp_path / "snap" / name).iterdir())


def assert_no_password(tmp_path: Path) -> None:
    for path in (tmp_path / "snap").rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


# ---------------------------------------------------------------------------------------------- the good path

def test_all_facts_collected_and_profiled(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "ok"))
    assert results["ok"].ok
    meta = read_meta(tmp_path / "snap" / "ok")
    assert meta["collector"] == "pyez"
    assert [r["file"] for r in meta["replies"]] == [
        "software-information.xml", "chassis-inventory.xml", "route-engine-information.xml",
        "system-uptime-information.xml", "virtual-chassis-information.xml", "chassis-cluster-status.xml"]
    by_file = {r["file"]: r for r in meta["replies"]}
    # optional RPCs the vSRX answers with an error are recorded, not failed
    assert by_file["chassis-cluster-status.xml"]["ok"] is False
    assert "Chassis cluster is not enabled" in by_file["chassis-cluster-status.xml"]["error"]
    assert by_file["virtual-chassis-information.xml"]["ok"] is False
    assert meta["host_key"] == lab.fingerprint("ok") and meta["host_key_verified"] is False
    assert {"msplus", "junos-eznc", "ncclient", "paramiko", "lxml", "python"} <= set(meta["tool"])
    profile = json.loads((tmp_path / "snap" / "ok" / "profile.json").read_text())
    source = lab.device("ok").identity
    assert (profile["hostname"], profile["model"], profile["version"], profile["serial_number"]) == (
        source.hostname, source.model, source.release, source.serial)
    # the lab saw our RPCs and not PyEZ's facts RPCs
    assert "get-virtual-chassis-information" in lab.rpc_log("ok")
    assert "file-show" not in lab.rpc_log("ok")


def test_rerun_replaces_the_previous_snapshot(lab: LabServer, tmp_path: Path) -> None:
    run(tmp_path, device(lab, "ok"))
    (tmp_path / "snap" / "ok" / "stale.xml").write_text("<old/>")
    run(tmp_path, device(lab, "ok"))
    assert "stale.xml" not in saved(tmp_path, "ok")


def test_folder_not_written_by_us_is_not_overwritten(lab: LabServer, tmp_path: Path) -> None:
    precious = tmp_path / "snap" / "ok"
    precious.mkdir(parents=True)
    (precious / "thesis.docx").write_text("years of work")
    results = run(tmp_path, device(lab, "ok"))
    assert results["ok"].error_kind == "internal" and "not overwritten" in (results["ok"].error or "")
    assert (precious / "thesis.docx").read_text() == "years of work"


# ---------------------------------------------------------------------------------------------- connection faults

def test_unreachable_nothing_listening(lab: LabServer, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.3.200", 0))
        port = probe.getsockname()[1]
    gone = Device(name="gone", host="127.0.3.200", port=port, username="lab", password=Secret(PASSWORD))
    results = run(tmp_path, gone, device(lab, "ok"))
    meta = failed(tmp_path, results, "gone", "unreachable")
    assert "refused the connection" in meta["error"]["message"]
    assert saved(tmp_path, "gone") == ["meta.json"]


def test_unreachable_no_answer_within_connect_timeout(lab: LabServer, tmp_path: Path) -> None:
    # A listener whose accept queue is full drops SYNs: the connection neither succeeds nor is refused.
    with socket.socket() as full:
        full.bind(("127.0.3.201", 0))
        full.listen(0)
        fillers = []
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(full.getsockname())
            fillers.append(s)
        time.sleep(0.2)
        host, port = full.getsockname()
        silent = Device(name="silent", host=host, port=port, username="lab", password=Secret(PASSWORD),
                        connect_timeout=1)
        started = time.perf_counter()
        results = run(tmp_path, silent, device(lab, "ok"))
        took = time.perf_counter() - started
        for s in fillers:
            s.close()
    meta = failed(tmp_path, results, "silent", "unreachable")
    assert "within 1s" in meta["error"]["message"]
    assert took < 5


def test_refused_ssh_closed_after_connect(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "refusing"), device(lab, "ok"))
    meta = failed(tmp_path, results, "refusing", "refused")
    assert "refused SSH/NETCONF" in meta["error"]["message"]  # TCP was accepted, SSH never came up


def test_hung_ssh_server_times_out_within_connect_timeout(lab: LabServer, tmp_path: Path) -> None:
    # Accepts TCP and then says nothing (no SSH banner): bounded by connect_timeout, not paramiko's 15 s.
    with socket.socket() as mute:
        mute.bind(("127.0.3.202", 0))
        mute.listen(8)
        held: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            mute.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(mute.accept()[0])
                except TimeoutError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        host, port = mute.getsockname()
        started = time.perf_counter()
        results = run(tmp_path, Device(name="mute", host=host, port=port, username="lab", password=Secret(PASSWORD),
                                       connect_timeout=1), device(lab, "ok"))
        took = time.perf_counter() - started
        stop.set()
        thread.join()
        for s in held:
            s.close()
    failed(tmp_path, results, "mute", "timeout")
    assert took < 5


def test_authentication_failure(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "noauth"), device(lab, "ok"))
    meta = failed(tmp_path, results, "noauth", "auth")
    assert "authentication failed for user lab" in meta["error"]["message"]


def test_wrong_password(lab: LabServer, tmp_path: Path) -> None:
    wrong = dataclasses.replace(device(lab, "ok"), name="wrong", password=Secret("not-" + PASSWORD))
    results = run(tmp_path, wrong, device(lab, "ok"))
    assert results["wrong"].error_kind == "auth"
    assert "not-" + PASSWORD not in (tmp_path / "snap" / "wrong" / "meta.json").read_text()


# ---------------------------------------------------------------------------------------------- host keys

def test_known_host_key_verified(lab: LabServer, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text(lab.known_hosts())
    results = run(tmp_path, device(lab, "keyed"), device(lab, "ok"), known_hosts=known)
    assert results["keyed"].ok and results["keyed"].host_key_verified
    meta = read_meta(tmp_path / "snap" / "keyed")
    assert meta["host_key_verified"] is True and meta["host_key"] == lab.fingerprint("keyed")


def test_unknown_host_key_fails_before_authentication(lab: LabServer, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    host, port = lab.address("ok")
    known.write_text("".join(line + "\n" for line in lab.known_hosts().splitlines() if f"[{host}]:{port}" in line))
    lab.clear_rpc_log("keyed")
    results = run(tmp_path, device(lab, "keyed"), device(lab, "ok"), known_hosts=known)
    meta = failed(tmp_path, results, "keyed", "hostkey")
    assert "is not in known_hosts" in meta["error"]["message"]
    assert lab.fingerprint("keyed") in meta["error"]["message"]
    assert lab.rpc_log("keyed") == []  # no NETCONF session: the check came before authentication


def test_changed_host_key(lab: LabServer, tmp_path: Path) -> None:
    host, port = lab.address("keyed")
    lines = lab.known_hosts().splitlines()
    ok_key = next(line for line in lines if line.startswith(f"[{lab.address('ok')[0]}]:")).split(" ", 1)[1]
    mine = f"[{host}]:{port} "
    known = tmp_path / "known_hosts"  # another device's key listed under this device's address
    known.write_text("".join((mine + ok_key if line.startswith(mine) else line) + "\n" for line in lines))
    results = run(tmp_path, device(lab, "keyed"), device(lab, "ok"), known_hosts=known)
    meta = failed(tmp_path, results, "keyed", "hostkey")
    assert "CHANGED" in meta["error"]["message"]
    assert lab.fingerprint("ok") in meta["error"]["message"]  # what known_hosts has
    assert lab.fingerprint("keyed") in meta["error"]["message"]  # what the device offered


# ---------------------------------------------------------------------------------------------- session faults

def test_hung_rpc_times_out_and_earlier_replies_are_kept(lab: LabServer, tmp_path: Path) -> None:
    started = time.perf_counter()
    results = run(tmp_path, device(lab, "hang", timeout=1), device(lab, "ok"))
    assert time.perf_counter() - started < 6
    meta = failed(tmp_path, results, "hang", "timeout")
    assert "get-route-engine-information" in meta["error"]["message"]
    assert [r["file"] for r in meta["replies"]] == ["software-information.xml", "chassis-inventory.xml"]
    assert {"software-information.xml", "chassis-inventory.xml", "profile.json"} <= set(saved(tmp_path, "hang"))


def test_disconnect_mid_session(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "drop"), device(lab, "ok"))
    meta = failed(tmp_path, results, "drop", "disconnected")
    assert [r["file"] for r in meta["replies"]] == [
        "software-information.xml", "chassis-inventory.xml", "route-engine-information.xml"]
    assert json.loads((tmp_path / "snap" / "drop" / "profile.json").read_text())["version"] == "12.1X46-D15.3"


def test_disconnect_after_two_rpcs(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "drop-after"), device(lab, "ok"))
    meta = failed(tmp_path, results, "drop-after", "disconnected")
    assert len(meta["replies"]) == 2


def test_truncated_xml_is_malformed_reply(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "cut"), device(lab, "ok"))
    meta = failed(tmp_path, results, "cut", "malformed_reply")
    assert "malformed XML" in meta["error"]["message"]
    files = [r["file"] for r in meta["replies"]]
    assert files == ["software-information.xml", "chassis-inventory.xml", "route-engine-information.xml.malformed"]


def test_billion_laughs_refused_quickly(lab: LabServer, tmp_path: Path) -> None:
    started = time.perf_counter()
    results = run(tmp_path, device(lab, "laughs"), device(lab, "ok"))
    assert time.perf_counter() - started < 5
    meta = failed(tmp_path, results, "laughs", "malformed_reply")
    assert "DTD or entities" in meta["error"]["message"]
    assert (tmp_path / "snap" / "laughs" / "chassis-inventory.xml.malformed").stat().st_size < 10_000  # not expanded


def test_external_entity_refused_and_never_resolved(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "xxe"), device(lab, "ok"))
    meta = failed(tmp_path, results, "xxe", "malformed_reply")
    assert "DTD or entities" in meta["error"]["message"]
    passwd_line = Path("/etc/passwd").read_text().splitlines()[0]
    for path in (tmp_path / "snap").rglob("*"):
        if path.is_file():
            assert passwd_line not in path.read_text(errors="replace")


def test_empty_reply_to_a_required_rpc(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "empty"), device(lab, "ok"))
    meta = failed(tmp_path, results, "empty", "malformed_reply")
    assert "empty reply" in meta["error"]["message"]


def test_empty_reply_to_an_optional_rpc_is_recorded(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "empty-optional"), device(lab, "ok"))
    assert results["empty-optional"].ok
    meta = read_meta(tmp_path / "snap" / "empty-optional")
    uptime = next(r for r in meta["replies"] if r["file"] == "system-uptime-information.xml")
    assert (uptime["ok"], uptime["error"]) == (False, "empty reply")


def test_huge_reply_collected_in_bounded_time(lab: LabServer, tmp_path: Path) -> None:
    started = time.perf_counter()
    results = run(tmp_path, device(lab, "huge", timeout=60), device(lab, "ok"))
    took = time.perf_counter() - started
    assert results["huge"].ok, results["huge"].error
    meta = read_meta(tmp_path / "snap" / "huge")
    sw = next(r for r in meta["replies"] if r["file"] == "software-information.xml")
    assert sw["size"] > 24 * 2**20
    assert (tmp_path / "snap" / "huge" / "software-information.xml").stat().st_size == sw["size"]
    assert took < 30, f"a 24 MB reply took {took:.1f}s"


def test_reply_over_the_limit_is_cut_and_recorded(lab: LabServer, tmp_path: Path) -> None:
    """Issue 14: a reply beyond the device's limit ends that device's collection with the reason recorded; the part
    received is not kept and nothing half-written is left; the other devices are collected."""
    results = run(tmp_path, device(lab, "huge", timeout=60, max_reply_bytes=4 * 2**20), device(lab, "ok"))
    meta = failed(tmp_path, results, "huge", "malformed_reply")
    assert "reply larger than 4 MB, cut there" in meta["error"]["message"]
    assert "max_reply_megabytes" in meta["error"]["message"]
    left = saved(tmp_path, "huge")
    assert not any(name.startswith(".") for name in left), left  # no spool file
    assert "software-information.xml" not in left


def test_replies_are_streamed_to_disk_as_received(lab: LabServer, tmp_path: Path) -> None:
    """A reply under the limit is saved byte for byte as received, through a spool file in the device folder."""
    results = run(tmp_path, device(lab, "huge", timeout=60, max_reply_bytes=64 * 2**20), device(lab, "ok"))
    assert results["huge"].ok, results["huge"].error
    saved_file = tmp_path / "snap" / "huge" / "software-information.xml"
    body = saved_file.read_bytes()
    assert body.startswith(b"<rpc-reply") and body.rstrip().endswith(b"</rpc-reply>")
    assert not any(name.startswith(".") for name in saved(tmp_path, "huge"))
