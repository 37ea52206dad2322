"""Command line: parses arguments and hands each command to the module that does the work.

Heavy libraries (PyEZ, paramiko, asyncssh, pandas) are imported only inside the command that needs them, so
``run_assessment.py --help`` and quick commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from msplus.errors import AssessError, InputError

# command name -> "module:function"; the function takes the parsed arguments and returns an exit code.
HANDLERS: dict[str, str] = {
    "lab serve": "lab.serve:main",
    "collect": "collectors.run:main",
    "config show": "msplus.junosconf.cli:show",
    "demo": "msplus.demo:main",
    "catalog validate": "analyzers.advisories.cli:validate",
    "catalog import-cve": "analyzers.advisories.cli:import_cve",
    "catalog match": "analyzers.advisories.cli:match",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run_assessment.py",
        description="Juniper MS Plus reviews: collect device data, analyse it, report, debit credits.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="start the simulated lab in-process and run the main job against it")
    demo.add_argument("--out", default="out/demo", help="output folder (default: out/demo)")
    demo.set_defaults(handler="demo")

    lab = sub.add_parser("lab", help="the simulated Junos lab")
    lab_sub = lab.add_subparsers(dest="lab_command", required=True, metavar="SUBCOMMAND")
    serve = lab_sub.add_parser("serve", help="serve every device of an inventory that has simulate: (until Ctrl-C)")
    serve.add_argument("--inventory", required=True, help="inventory YAML file")
    serve.set_defaults(handler="lab serve")

    collect = sub.add_parser("collect", help="collect facts, configuration and health data into snapshots")
    collect.add_argument("--inventory", required=True, help="inventory YAML file")
    collect.add_argument("--out", required=True, help="snapshot folder (one sub-folder per device)")
    collect.add_argument("--workers", type=int, default=16, help="devices collected at once (default 16)")
    collect.add_argument("--device", action="append", default=[], help="only this device (repeatable)")
    collect.add_argument("--no-progress", action="store_true", help="do not show progress while running")
    collect.set_defaults(handler="collect")

    config = sub.add_parser("config", help="Junos configuration tools")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="SUBCOMMAND")
    show = config_sub.add_parser("show", help="print a configuration (file or snapshot folder) in another form")
    show.add_argument("file", help="configuration file (curly text, set lines or XML) or a snapshot folder")
    show.add_argument("--as", dest="as_format", choices=("set", "text", "xml"), default="set")
    show.add_argument("--effective", action="store_true", help="groups inherited, inactive statements left out")
    show.set_defaults(handler="config show")
    _catalog_parser(sub)
    return parser


def _catalog_parser(sub: argparse._SubParsersAction) -> None:
    catalog = sub.add_parser("catalog", help="advisory catalogs: validate, import CVE records, match devices")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True, metavar="SUBCOMMAND")
    validate = catalog_sub.add_parser("validate", help="validate catalog files (every problem with file, line, key)")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler="catalog validate")
    imp = catalog_sub.add_parser("import-cve", help="turn Juniper CVE JSON 5 records into a catalog")
    imp.add_argument("sources", nargs="+", metavar="SRC", help="record files or folders of *.json records")
    imp.add_argument("--out", required=True, help="catalog YAML file to write")
    imp.add_argument("--summary", help="also write the import summary as JSON to this file")
    imp.add_argument("--name", default="Juniper security advisories (CVE)", help="catalog name")
    imp.add_argument("--verbose-summary", action="store_true",
                     help="also list versions[] fixes that solutions[] does not name")
    imp.set_defaults(handler="catalog import-cve")
    match = catalog_sub.add_parser("match", help="verdicts for devices against catalogs")
    match.add_argument("--catalog", action="append", nargs="+", required=True, metavar="FILE",
                       help="catalog file(s) (repeatable)")
    source = match.add_mutually_exclusive_group(required=True)
    source.add_argument("--snapshot", metavar="DIR", help="snapshot folder (one sub-folder per device)")
    source.add_argument("--devices", metavar="CSV", help="CSV with name,model,version[,config]")
    match.add_argument("--format", choices=("json", "table"), default="table")
    match.add_argument("--all", action="store_true", help="also list not_affected pairs")
    match.set_defaults(handler="catalog match")


def resolve(name: str) -> Callable[[argparse.Namespace], int]:
    module_name, _, func = HANDLERS[name].partition(":")
    module = importlib.import_module(module_name)
    handler: Callable[[argparse.Namespace], int] = getattr(module, func)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return resolve(args.handler)(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except AssessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _setup_logging(verbose: int) -> None:
    import logging

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if verbose < 2:
        # paramiko and ncclient are chatty at INFO and log every channel event.
        for noisy in ("paramiko", "ncclient", "asyncssh", "netmiko"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
