"""Writing a device folder that a site worker collected (snapshots.writer.write_device_folder): the same bytes, the
folder whole or not at all, a staging folder left by an interrupted write cleared, and names that would leave the
folder refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.advisories.devices import from_snapshot
from collectors.distributed.tasks import MemorySnapshot
from msplus.errors import InputError
from msplus.records import Device, Request
from snapshots.writer import write_device_folder


def _files(device: str) -> dict[str, bytes]:
    """A device folder as a site worker sends it: built by the worker's own writer, in memory."""
    writer = MemorySnapshot(Device(name=device, host="192.0.2.1"), "pyez")
    writer.begin()
    writer.reply(Request("configuration", "get-configuration", file="configuration.xml"),
                 b"<configuration><system><host-name>" + device.encode() + b"</host-name></system></configuration>\n",
                 seconds=0.1)
    writer.finish()
    return dict(writer.files)


def test_the_folder_holds_exactly_the_bytes_received(tmp_path: Path) -> None:
    files = _files("r1")
    folder = write_device_folder(tmp_path, "r1", files)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    assert [p.name for p in tmp_path.iterdir()] == ["r1"]  # no staging folder left behind


def test_a_staging_folder_left_by_an_interrupted_write_is_cleared_and_never_read(tmp_path: Path) -> None:
    staging = tmp_path / ".r1.incoming"
    staging.mkdir()
    (staging / "configuration.xml").write_bytes(b"<configuration><sys")
    write_device_folder(tmp_path, "r2", _files("r2"))
    assert [t.name for t in from_snapshot(tmp_path)] == ["r2"]  # hidden: not a device
    folder = write_device_folder(tmp_path, "r1", _files("r1"))
    assert (folder / "configuration.xml").read_bytes() == _files("r1")["configuration.xml"]
    assert not staging.exists()


def test_a_previous_run_of_the_device_is_replaced(tmp_path: Path) -> None:
    write_device_folder(tmp_path, "r1", {**_files("r1"), "old-reply.xml": b"<old/>"})
    folder = write_device_folder(tmp_path, "r1", _files("r1"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(_files("r1"))


@pytest.mark.parametrize("name", ["../escape.xml", ".hidden", "a/b.xml", ""])
def test_a_name_that_would_leave_the_folder_is_refused_before_anything_is_written(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="refusing to write"):
        write_device_folder(tmp_path, "r1", {**_files("r1"), name: b"x"})
    assert list(tmp_path.iterdir()) == []
