"""Customer documents carry no local paths: the snapshot, inventory and catalogs are named by file name (the SHA-256
beside each catalog identifies its content), never by where they sat on the engineer's machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from report_helpers import DAY, Lab, ledger_with_credits, served_lab

from app.cli import main


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with served_lab(tmp_path_factory.mktemp("lab")) as served:
        yield served


def test_reports_name_files_without_local_paths(lab: Lab, tmp_path: Path) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory, credits=20)
    out = tmp_path / "out"
    assert main(["assess", "cacr", "--inventory", str(lab.inventory), "--ledger", url, "--date", str(DAY),
                 "--out", str(out)]) == 0
    documents = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if p.suffix in (".html", ".md", ".json")}
    assert documents, "no report was written"
    local = (str(tmp_path), str(lab.inventory.parent), str(Path.cwd()))
    for name, text in documents.items():
        for path in local:
            assert path not in text, f"{name} names the local path {path}"
    assert lab.inventory.name in documents["cacr-report.html"]  # named, by file name
