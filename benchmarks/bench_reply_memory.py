"""Collector memory on a huge reply: peak RSS of ``run_assessment.py collect`` (the whole command a user runs) for
one simulated device whose ``get-software-information`` reply is N MB, beside a baseline device with normal replies
measured in the same run.

    .venv/bin/python benchmarks/bench_reply_memory.py [--megabytes 1024] [--limit 2048] [--cut MB]
                                                      [--drivers pyez,netmiko]

Replies are streamed to disk as they arrive (collectors.rawrpc for NETCONF, collectors.clistream for the CLI) and
checked as they are streamed (snapshots.replies.check_file), so the collector's memory should not grow with the
reply. Three runs per driver (pyez: the RPC over NETCONF; netmiko: ``show version | display xml`` over the CLI):
  baseline     the same device without the large reply
  default      the large reply against the default limit (collect.max_reply_bytes, 256 MB; ``--cut MB`` sets
               max_reply_megabytes instead): cut, device failed
  collected    the large reply with ``max_reply_megabytes: --limit`` in the inventory: saved whole
The lab runs in a subprocess on 127.0.14.1 (its own memory is not counted); each collection is a subprocess whose
peak RSS comes from wait4().
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "lab123"
HOST = "127.0.14.1"  # this benchmark's own loopback addresses (127.0.14.x)

SERVER = """
import sys
from lab.server import LabServer, load_device_folder
folder, megabytes = sys.argv[1], float(sys.argv[2])
normal = load_device_folder(folder, name="normal", host="127.0.14.1", port=0)
big = load_device_folder(folder, name="big", host="127.0.14.2", port=0)
big.faults.large_reply = ("get-software-information", megabytes)  # above the schema's 512 MB: set directly
big.large_body(megabytes)  # build it before the client starts, so the client's timing is the transfer
with LabServer([normal, big]) as lab:
    print(lab.address("normal")[1], lab.address("big")[1], flush=True)
    sys.stdin.read()
"""


def collect(work: Path, driver: str, name: str, host: str, port: int, limit_mb: float | None) -> dict[str, object]:
    extra = f", max_reply_megabytes: {limit_mb:g}" if limit_mb else ""
    inventory = work / f"{name}.yaml"
    inventory.write_text(
        "defaults: {driver: " + driver + ", username: lab, password: " + PASSWORD + "}\n"
        f"devices:\n  - {{name: {name}, host: {host}, port: {port}, timeout: 900, connect_timeout: 30{extra}}}\n",
        encoding="utf-8")
    out = work / f"out-{name}"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_assessment.py"), "collect", "--inventory",
                             str(inventory), "--out", str(out), "--no-progress", "--device", name],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    meta = json.loads((out / name / "meta.json").read_text(encoding="utf-8"))
    sizes = {r["file"]: r["size"] for r in meta.get("replies") or ()}
    result = {"peak_mb": usage.ru_maxrss / 1024, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
              "exit": os.waitstatus_to_exitcode(status),
              "ok": meta["ok"], "error": (meta.get("error") or {}).get("message"),
              "software_information_mb": sizes.get("software-information.xml", 0) / 2**20}
    shutil.rmtree(out, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=1024, help="size of the large reply (default 1024)")
    parser.add_argument("--limit", type=float, default=2048, help="max_reply_megabytes for the 'collected' run")
    parser.add_argument("--cut", type=float, default=None,
                        help="max_reply_megabytes for the 'default' run (default: the limits.yaml default)")
    parser.add_argument("--drivers", default="pyez,netmiko", help="comma-separated drivers (default pyez,netmiko)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reply-") as tmp:
        work = Path(tmp)
        lab = subprocess.Popen([sys.executable, "-c", SERVER, str(ROOT / "lab" / "devices" / "vsrx-firefly"),
                                str(args.megabytes)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert lab.stdout is not None and lab.stdin is not None
        try:
            normal_port, big_port = map(int, lab.stdout.readline().split())
            runs = {}
            for driver in args.drivers.split(","):
                runs[(driver, "baseline")] = collect(work, driver, "normal", "127.0.14.1", normal_port, None)
                runs[(driver, "default")] = collect(work, driver, "big", "127.0.14.2", big_port, args.cut)
                runs[(driver, "collected")] = collect(work, driver, "big", "127.0.14.2", big_port, args.limit)
        finally:
            lab.stdin.close()
            lab.wait(timeout=120)
    print(f"collector peak memory, one device, {args.megabytes:g} MB get-software-information reply")
    print(f"{'driver':<8} {'run':<10} {'peak RSS':>10} {'wall':>8} {'CPU':>7}  result")
    for (driver, name), r in runs.items():
        detail = (f"ok, software-information.xml {r['software_information_mb']:.0f} MB" if r["ok"]
                  else f"failed: {str(r['error'])[:90]}")
        print(f"{driver:<8} {name:<10} {r['peak_mb']:>7.0f} MB {r['seconds']:>7.1f}s {r['cpu']:>6.1f}s  {detail}")


if __name__ == "__main__":
    main()
