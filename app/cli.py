"""Command line: parses arguments and hands each command to the module that does the work.

Heavy libraries (PyEZ, paramiko, asyncssh, pandas) are imported only inside the command that needs them, so
``run_assessment.py --help`` and quick commands start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from msplus.errors import AssessError, ProblemsError
from msplus.exitcodes import ExitCode

# command name -> "module:function"; the function takes the parsed arguments and returns an exit code.
HANDLERS: dict[str, str] = {
    "lab serve": "app.commands.lab:main",
    "collect": "app.commands.collect:main",
    "config show": "app.commands.config_show:show",
    "config check": "app.commands.config:check",
    "config review": "app.commands.config:review",
    "demo": "app.demo:main",
    "assess": "app.assess:main",
    "catalog validate": "app.commands.catalog:validate",
    "catalog import-cve": "app.commands.catalog:import_cve",
    "catalog match": "app.commands.catalog:match",
    "sweep": "app.commands.sweep:main",
    "inventory import": "app.commands.inventory:import_command",
    "completion": "app.commands.completion:main",
    "ledger register": "app.commands.ledger:register",
    "ledger purchase": "app.commands.ledger:purchase",
    "ledger redeem": "app.commands.ledger:redeem",
    "ledger reverse": "app.commands.ledger:reverse",
    "ledger reserve": "app.commands.ledger:reserve",
    "ledger capture": "app.commands.ledger:capture",
    "ledger release": "app.commands.ledger:release",
    "ledger reservations": "app.commands.ledger:reservations",
    "ledger balance": "app.commands.ledger:balance",
    "ledger statement": "app.commands.ledger:statement",
    "worker": "app.commands.distributed:worker",
    "beat": "app.commands.distributed:beat",
}
# With --broker, these commands run on the task queue (app.distributed) instead of in this process.
ON_QUEUE: dict[str, str] = {
    "collect": "app.commands.distributed:collect",
    "sweep": "app.commands.distributed:sweep",
}


def at_least(low: int, high: int = 1_000_000) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (argparse reports anything else as bad input,
    exit 2, naming the option)."""

    def parse(text: str) -> int:
        # ASCII digits only: int() would also take "1_0" and other scripts' digits ("٣").
        value = int(text) if re.fullmatch(r"-?[0-9]{1,9}", text) else None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high:,}, got {text!r}")
        return value

    parse.__name__ = "number"
    return parse


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake reported like every other bad input: one line on stderr, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.BAD_INPUT, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="run_assessment.py",
        description="Juniper MS Plus reviews: collect device data, analyse it, report, debit credits.",
    )
    parser.add_argument("--version", action="version", version=f"msplus-assess {version()}")
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
    collect.add_argument("--workers", type=at_least(1), default=16,
                         help="devices collected at once by each process (default 16)")
    collect.add_argument("--device", action="append", default=[], help="only this device (repeatable)")
    collect.add_argument("--no-progress", action="store_true", help="do not show progress while running")
    add_format(collect, ("text", "json"), "json: one object per device (status, failure, files) and a summary")
    add_processes_option(collect)
    add_broker_options(collect)
    collect.set_defaults(handler="collect")

    config = sub.add_parser("config", help="Junos configuration tools")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="SUBCOMMAND")
    show = config_sub.add_parser("show", help="print a configuration (file or snapshot folder) in another form")
    show.add_argument("file", help="configuration file (curly text, set lines or XML) or a snapshot folder")
    show.add_argument("--as", dest="as_format", choices=("set", "text", "xml"), default="set")
    show.add_argument("--effective", action="store_true", help="groups inherited, inactive statements left out")
    show.add_argument("--node", choices=("node0", "node1"),
                      help='with --effective: the chassis cluster node that apply-groups "${node}" stands for')
    show.add_argument("--unknown", action="store_true",
                      help="list the statements the Junos schema does not know (kept as written) instead")
    show.set_defaults(handler="config show")
    _config_rules_parsers(config_sub)
    _catalog_parser(sub)
    _inventory_parser(sub)
    completion = sub.add_parser("completion", help="print a shell completion script (bash or zsh)",
                                description="e.g. run-assessment completion bash > "
                                            "~/.local/share/bash-completion/completions/run-assessment")
    completion.add_argument("shell", choices=("bash", "zsh"), help="bash | zsh")
    completion.set_defaults(handler="completion")
    _sweep_parser(sub)
    _ledger_parser(sub)
    _assess_parser(sub)
    _queue_parsers(sub)
    _add_common_options(parser)
    return parser


def add_processes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--processes", type=at_least(1), metavar="N",
                        help="collect with N processes (default: one per CPU core when there are enough devices)")


def add_broker_options(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--broker URL`` and the queue options, for commands that can run on the task queue."""
    parser.add_argument("--broker", metavar="URL", required=required,
                        help="run on the task queue: redis://host:6379/0 or amqp://user:pass@host:5672// "
                             "(one task per device, to the queue of its site)")
    parser.add_argument("--namespace", metavar="NS",
                        help="queue names are NS.<site> (default $ASSESS_QUEUE_NAMESPACE, else msplus)")
    parser.add_argument("--site-wait", type=float, default=15.0, metavar="S",
                        help="seconds a site may have no live worker before its devices are unreachable (15)")
    parser.add_argument("--result-timeout", type=float, default=300.0, metavar="S",
                        help="seconds a site with devices out may send no result before they time out (300)")


def _queue_parsers(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser(
        "worker", help="serve the task queues of some sites (run one inside each site)",
        description="Collect the devices of the given sites as the central node sends them. Passwords come from "
                    "this worker's environment or --secrets file, never from the broker.")
    add_broker_options(worker, required=True)
    worker.add_argument("--queues", action="append", default=[], metavar="SITE[,SITE]",
                        help="sites to serve (their devices' site: field; 'default' for devices without one; "
                             "'central' runs scheduled sweeps); default: default")
    worker.add_argument("--concurrency", type=at_least(1), default=8,
                        help="devices collected at once (threads, default 8)")
    worker.add_argument("--secrets", metavar="FILE",
                        help="NAME=value file of passwords (mode 600; default $ASSESS_SECRETS_FILE)")
    worker.add_argument("--name", help="worker name (default msplus)")
    worker.set_defaults(handler="worker")
    beat = sub.add_parser("beat", help="send a sweep to the central worker every --every seconds")
    add_broker_options(beat, required=True)
    beat.add_argument("--every", type=float, default=900.0, metavar="S", help="seconds between sweeps (900)")
    beat.add_argument("--inventory", required=True, help="inventory YAML file (as the central worker sees it)")
    beat.add_argument("--history", required=True, metavar="DIR|URL", help="history store")
    beat.add_argument("--out", default="out/sweep", help="output folder (default out/sweep)")
    beat.add_argument("--checks", metavar="FILE", help="thresholds file (default catalogs/health-checks.yaml)")
    beat.add_argument("--keep-snapshots", type=int, default=0, metavar="N", help="keep the N most recent snapshots")
    beat.set_defaults(handler="beat")


def _assess_parser(sub: argparse._SubParsersAction) -> None:
    assess = sub.add_parser(
        "assess", help="run one review (pbnir, piir, phc, cacr) end to end: scope, collect, analyse, report, debit",
        description="Exit codes: 0 review written, 1 written but some devices could not be collected, 2 bad input, "
                    "3 refused by the ledger (eligibility, credits, request id), 4 no review (nothing charged).")
    assess.add_argument("service", choices=("pbnir", "piir", "phc", "cacr"), metavar="SERVICE",
                        help="pbnir | piir | phc | cacr")
    assess.add_argument("--inventory", required=True, help="inventory YAML file (with its customer: section)")
    assess.add_argument("--snapshot", metavar="DIR", help="use this snapshot instead of collecting live")
    assess.add_argument("--catalog", action="append", nargs="+", metavar="FILE",
                        help="data files: advisory catalogs (pbnir, piir), rule files (cacr) or the thresholds file "
                             "(phc); default: the ones under catalogs/")
    assess.add_argument("--change", metavar="FILE", help="cacr: a proposed change to review (goes with --device)")
    assess.add_argument("--device", metavar="NAME", help="cacr: the device the change is for")
    assess.add_argument("--out", metavar="DIR", help="output folder (default out/<customer>/<date>-<service>/)")
    assess.add_argument("--date", help="review date, YYYY-MM-DD (default: today)")
    assess.add_argument("--since", metavar="DATE",
                        help="pbnir: review the notifications published after DATE (default: the customer's previous "
                             "PBNIR in the ledger)")
    assess.add_argument("--request-id", metavar="ID",
                        help="the debit's id (default <customer>-<service>-<date>): a rerun with it charges nothing")
    assess.add_argument("--no-charge", action="store_true", help="write the reports without debiting credits")
    assess.add_argument("--workers", type=at_least(1), default=8, help="devices collected at once (default 8)")
    assess.add_argument("--no-progress", action="store_true", help="do not show collection progress")
    add_format(assess, ("text", "json"), "json: the outcome (files, findings by severity, failed devices, credits)")
    add_ledger_option(assess)
    add_broker_options(assess)
    assess.set_defaults(handler="assess")


def _config_rules_parsers(config_sub: argparse._SubParsersAction) -> None:
    check = config_sub.add_parser("check", help="best-practice findings for a configuration (file or snapshot)")
    check.add_argument("file", metavar="FILE", help="configuration file, snapshot device folder or snapshot folder")
    _rule_options(check)
    check.set_defaults(handler="config check")
    review = config_sub.add_parser("review", help="review a proposed change against the running configuration")
    review.add_argument("--config", required=True, metavar="FILE", help="running configuration or device folder")
    review.add_argument("--change", required=True, metavar="FILE",
                        help="set/delete/deactivate/activate lines, or a full candidate configuration")
    _rule_options(review)
    review.set_defaults(handler="config review")


def _rule_options(parser: argparse.ArgumentParser) -> None:
    """Options of ``config check`` and ``config review`` (defined here: analyzers.cacr loads pydantic)."""
    severities = ("critical", "high", "medium", "low", "info")
    parser.add_argument("--rules", nargs="+", metavar="FILE", action="extend", default=[],
                        help="rule files to use instead of catalogs/cacr-rules.yaml")
    add_format(parser, ("text", "json", "junit", "sarif"),
               "junit: a JUnit XML test report; sarif: SARIF 2.1.0 (code-scanning annotations on the lines)")
    parser.add_argument("--fail-on", choices=severities, metavar="SEVERITY",
                        help=f"exit 1 when a finding at or above this severity exists ({', '.join(severities)})")
    parser.add_argument("--profile", metavar="JSON", help="device profile (profile.json) for a plain file")
    parser.add_argument("--family", help="platform family (mx, srx, ex, qfx, ptx, vmx, vsrx, ...)")
    parser.add_argument("--role", help="device role for role-specific rules (edge, core, access, ...)")
    parser.add_argument("--all", action="store_true", help="text output: list every finding (default: 5 per rule)")


def _inventory_parser(sub: argparse._SubParsersAction) -> None:
    inventory = sub.add_parser("inventory", help="inventories: import one from Nornir, Ansible, containerlab, NetBox")
    inventory_sub = inventory.add_subparsers(dest="inventory_command", required=True, metavar="SUBCOMMAND")
    imp = inventory_sub.add_parser(
        "import", help="write this tool's inventory from another tool's (the Junos devices, validated)",
        description="Exit codes: 0 written, 2 bad input or no device to import (each left-out device is listed "
                    "with its reason).")
    imp.add_argument("--from", dest="source", required=True,
                     choices=("nornir", "ansible", "containerlab", "netbox-csv", "csv"),
                     help="nornir (hosts.yaml; groups/defaults beside it) | ansible (YAML or INI) | containerlab "
                          "(*.clab.yml) | netbox-csv (device export) | csv (name,host,...)")
    imp.add_argument("file", metavar="FILE", help="the inventory to read")
    imp.add_argument("--out", required=True, metavar="FILE", help="inventory YAML to write")
    imp.add_argument("--all-platforms", action="store_true",
                     help="import every device with an address, not only the Junos ones")
    imp.add_argument("--username", help="user name for every device (instead of the source's)")
    creds = imp.add_mutually_exclusive_group()
    creds.add_argument("--password-env", metavar="VAR", help="passwords from this environment variable")
    creds.add_argument("--password-prompt", action="store_true", help="ask for the password when collecting")
    creds.add_argument("--keep-passwords", action="store_true",
                       help="copy the source's passwords inline (lab inventories; the file is made private)")
    imp.add_argument("--force", action="store_true", help="replace --out if it exists")
    add_format(imp, ("text", "json"), "json: the import summary (devices, left out with reasons)")
    imp.set_defaults(handler="inventory import")


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
    add_format(match, ("text", "json", "jsonl", "csv"),
               "json: one object (entries, matches, upgrades); jsonl: one object per line, streamed; csv: one row "
               "per device and entry", aliases={"table": "text"})
    match.add_argument("--all", action="store_true", help="also list not_affected pairs")
    match.add_argument("--date", metavar="YYYY-MM-DD",
                       help="review date: which trains are still supported (default: today)")
    match.set_defaults(handler="catalog match")


LEDGER_HELP = ("credit ledger: a file path, sqlite:////abs/path.db or postgresql://user@host:port/db "
               "(default: $ASSESS_LEDGER, else ~/.local/share/msplus/ledger.db)")


def add_ledger_option(parser: argparse.ArgumentParser, *, inherited: bool = False) -> None:
    """``--ledger URL`` for any command that uses the credit ledger (``ledger ...``, and ``assess``).

    ``inherited``: the option is also on a parent parser, so leave its value alone when not given here.
    """
    default = argparse.SUPPRESS if inherited else None
    parser.add_argument("--ledger", metavar="URL", default=default, help=LEDGER_HELP)


def ledger_url(args: argparse.Namespace) -> str:
    """The ledger URL a command should open: ``--ledger``, else ``ASSESS_LEDGER``, else the default file."""
    from ledger.location import resolve_url

    return resolve_url(getattr(args, "ledger", None))


def _ledger_parser(sub: argparse._SubParsersAction) -> None:
    ledger = sub.add_parser("ledger", help="Advanced Services credits: register, purchase, redeem, reverse, balance")
    add_ledger_option(ledger)
    ledger_sub = ledger.add_subparsers(dest="ledger_command", required=True, metavar="SUBCOMMAND")
    date_help = "YYYY-MM-DD (default: today)"

    def command(name: str, help_text: str, *, json_flag: bool = True) -> argparse.ArgumentParser:
        cmd = ledger_sub.add_parser(name, help=help_text)
        add_ledger_option(cmd, inherited=True)
        if json_flag:
            add_format(cmd, ("text", "json"), "json: the result as JSON")
            cmd.add_argument("--json", dest="format", action="store_const", const="json", help=argparse.SUPPRESS)
        cmd.set_defaults(handler=f"ledger {name}")
        return cmd

    register = command("register", "store or update the customer of an inventory (its customer: section)")
    register.add_argument("--inventory", required=True, help="inventory YAML file")
    register.add_argument("--date", help=f"date eligibility is checked for, {date_help}")
    purchase = command("purchase", "record a lot of credits bought (usable for 12 months)")
    purchase.add_argument("customer", metavar="CUSTOMER")
    purchase.add_argument("credits", metavar="CREDITS")
    purchase.add_argument("--date", help=f"purchase date, {date_help}")
    purchase.add_argument("--reference", metavar="PO", help="purchase order or other reference")
    redeem = _service_arguments(command("redeem", "charge a service (idempotent by --request-id)"), date_help)
    redeem.add_argument("--request-id", required=True, metavar="ID", help="unique id: a repeat charges nothing")
    redeem.add_argument("--note", metavar="TEXT")
    reverse = command("reverse", "refund a redemption to the lots it came from")
    reverse.add_argument("request_id", metavar="REQUEST_ID")
    reverse.add_argument("--reason", required=True, metavar="TEXT")
    reverse.add_argument("--date", help=f"reversal date, {date_help}")
    _reservation_parsers(command, date_help)
    balance = command("balance", "credits available, held, expired and per lot")
    balance.add_argument("customer", metavar="CUSTOMER")
    balance.add_argument("--date", help=f"balance date, {date_help}")
    statement = command("statement", "every entry, with derived expiry lines", json_flag=False)
    statement.add_argument("customer", metavar="CUSTOMER")
    statement.add_argument("--date", help=f"lots expired by this date show an expiry line, {date_help}")
    add_format(statement, ("text", "json", "csv"), "json: a list of entries; csv: one line per entry")
    statement.add_argument("--json", dest="format", action="store_const", const="json", help=argparse.SUPPRESS)
    statement.add_argument("--csv", dest="format", action="store_const", const="csv", help=argparse.SUPPRESS)


def _service_arguments(parser: argparse.ArgumentParser, date_help: str) -> argparse.ArgumentParser:
    """What ``redeem`` and ``reserve`` both take: the customer, the service, its units and its start date."""
    parser.add_argument("customer", metavar="CUSTOMER")
    parser.add_argument("service", metavar="SERVICE", help="SMO TG IMWS SRRA PBNIR PIIR CACR PHC")
    parser.add_argument("--units", default="1", help="months (SMO), days (TG, IMWS) or requests (default 1)")
    parser.add_argument("--date", help=f"service start date, {date_help}")
    return parser


def _reservation_parsers(command: Callable[[str, str], argparse.ArgumentParser], date_help: str) -> None:
    """``ledger reserve | capture | release | reservations``: credits held for a request, then charged or freed."""
    reserve = _service_arguments(
        command("reserve", "hold the credits of a service for a request (capture or release it later)"), date_help)
    reserve.add_argument("--request-id", required=True, metavar="ID", help="the request the credits are held for")
    reserve.add_argument("--note", metavar="TEXT", help="kept as the redemption's note when captured")
    reserve.add_argument("--holder", metavar="TEXT", help="who holds it (default: ledger reserve and your user)")
    capture = command("capture", "charge the credits held for a request (idempotent)")
    capture.add_argument("request_id", metavar="REQUEST_ID")
    release = command("release", "give back the credits held for a request (nothing is charged)")
    release.add_argument("request_id", metavar="REQUEST_ID")
    release.add_argument("--reason", required=True, metavar="TEXT")
    held = command("reservations", "open reservations: credits held and not yet captured or released")
    held.add_argument("customer", metavar="CUSTOMER", nargs="?", help="only this customer's")


def _sweep_parser(sub: argparse._SubParsersAction) -> None:
    sweep = sub.add_parser(
        "sweep", help="health sweep: collect the health set, check thresholds, compare with the previous sweep",
        description="Without ACTION: run a sweep (exit 0 nothing critical or worse than last time, 1 something "
                    "is, 2 the sweep could not run). 'sweep history': stored results as a table over time.")
    sweep.add_argument("action", nargs="?", choices=("history",), help="history: read the sweep history")
    sweep.add_argument("--inventory", help="inventory YAML file (to run a sweep)")
    sweep.add_argument("--history", required=True, metavar="DIR|URL",
                       help="history store: a folder (an SQLite file inside) or a database URL (postgresql://...)")
    sweep.add_argument("--out", default="out/sweep", help="output folder (default out/sweep)")
    sweep.add_argument("--checks", metavar="FILE", help="thresholds file (default catalogs/health-checks.yaml)")
    sweep.add_argument("--workers", type=at_least(1), default=16,
                       help="devices collected at once by each process (default 16)")
    sweep.add_argument("--device", action="append", default=[], help="only this device (repeatable)")
    sweep.add_argument("--check", action="append", default=[], help="history: only this check (repeatable)")
    sweep.add_argument("--last", type=at_least(1), default=10, help="history: the last N sweeps (default 10)")
    add_format(sweep, ("text", "json", "csv"), "a sweep: json the results and changes, csv one line per device "
               "and check; history: the table, json or csv (long form)", aliases={"table": "text"})
    sweep.add_argument("--keep-snapshots", type=at_least(0), default=0, metavar="N",
                       help="keep only the N most recent sweep snapshots under --out (default: all)")
    sweep.add_argument("--no-progress", action="store_true", help="do not show progress while running")
    add_processes_option(sweep)
    add_broker_options(sweep)
    sweep.set_defaults(handler="sweep")


FORMAT_HELP = "output on stdout: text for people (default), {others}. Progress, warnings and logs go to stderr."


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str], detail: str = "", *,
               aliases: dict[str, str] | None = None) -> None:
    """The one ``--format`` option: ``text`` (default) and the machine-readable forms the command has. ``aliases``
    keeps old spellings working (``--format table`` -> ``text``) without listing them."""
    others = ", ".join(c for c in choices if c != "text")
    names = dict(aliases or {})
    parser.add_argument("--format", choices=choices, default="text", metavar="|".join(choices),
                        type=lambda value: names.get(value, value),
                        help=FORMAT_HELP.format(others=others) + (f" {detail}" if detail else ""))


def version() -> str:
    """The installed distribution's version (a checkout: the package's own)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("msplus-assess")
    except PackageNotFoundError:
        import msplus

        return msplus.__version__


def _add_common_options(parser: argparse.ArgumentParser, *, top: bool = True) -> None:
    """``-v``/``-q`` on the program and on every (sub)command, so they work before or after the command name.
    A command's own count is kept apart (argparse would overwrite the program's) and added in ``verbosity``."""
    dest = "" if top else "command_"
    parser.add_argument("-v", "--verbose", dest=f"{dest}verbose", action="count",
                        default=0 if top else argparse.SUPPRESS,
                        help="more log output on stderr: -v progress details, -vv our debug, -vvv also the SSH and "
                             "NETCONF libraries' own debug")
    parser.add_argument("-q", "--quiet", dest=f"{dest}quiet", action="count", default=0 if top else argparse.SUPPRESS,
                        help="only errors on stderr (no progress, no warnings)")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # aliases map to the same parser
                _add_common_options(child, top=False)


def verbosity(args: argparse.Namespace) -> int:
    """-q ... -vvv as one number: -1 quiet, 0 default, 1 to 3 more."""
    verbose = getattr(args, "verbose", 0) + getattr(args, "command_verbose", 0)
    quiet = getattr(args, "quiet", 0) + getattr(args, "command_quiet", 0)
    return -1 if quiet else min(verbose, 3)


def resolve(name: str, target: str | None = None) -> Callable[[argparse.Namespace], int]:
    module_name, _, func = (target or HANDLERS[name]).partition(":")
    module = importlib.import_module(module_name)
    handler: Callable[[argparse.Namespace], int] = getattr(module, func)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every error the project raises on purpose becomes one line on stderr and its exit code
    (msplus.exitcodes), decided here once for every command. A closed output pipe (``... | head``) ends quietly."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = verbosity(args)
    _setup_logging(level)
    if level < 0 and hasattr(args, "no_progress"):
        args.no_progress = True
    handler = ON_QUEUE[args.handler] if getattr(args, "broker", None) and args.handler in ON_QUEUE else None
    try:
        code = resolve(args.handler, handler)(args)
        sys.stdout.flush()  # a closed pipe shows here rather than at interpreter exit
        return code
    except BrokenPipeError:
        return _closed_pipe()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:
        if verbosity(args) >= 2 and not isinstance(exc, AssessError):
            raise
        lines, code = _error_lines(exc, args.handler)
        for line in lines:
            print(line, file=sys.stderr)
        return code


def _error_lines(exc: Exception, handler: str) -> tuple[list[str], ExitCode]:
    """The lines and the exit code for an exception that ended a command: one line per problem."""
    if isinstance(exc, ProblemsError):
        return [f"{exc.label}: {p}" for p in exc.problems], exc.exit_code
    if isinstance(exc, AssessError):  # its kind decides the label and the exit code (msplus.errors)
        return [f"{exc.label}: {exc}"], exc.exit_code
    if isinstance(exc, RecursionError):  # a reader missed a depth limit: still one line, and a bug to fix
        return [f"internal error: input nested too deeply for {handler}; please report"], ExitCode.INTERNAL
    return ([f"internal error in {handler}: {type(exc).__name__}: {exc} (a bug; -vv shows the traceback)"],
            ExitCode.INTERNAL)


def _closed_pipe() -> int:
    """The reader went away: nothing more can be said on stdout. Point it at /dev/null so the interpreter's final
    flush does not complain, and exit as a shell reports a process ended by SIGPIPE."""
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return ExitCode.CLOSED_PIPE


# Libraries that log every channel event, key exchange and RPC at DEBUG/INFO: shown only with -vvv.
NOISY_LOGGERS = ("asyncssh", "netmiko", "napalm", "jnpr", "urllib3", "weasyprint", "fontTools", "celery", "kombu")


def _setup_logging(level: int) -> None:
    """Logs go to stderr: -q errors only, default warnings, -v info, -vv our debug, -vvv everything's debug."""
    import logging

    root = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(level, logging.DEBUG)
    logging.basicConfig(level=root, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if level < 3:
        # paramiko's transport thread logs every failed connection (a silent device, a banner timeout) as ERROR
        # with a twenty-line traceback, under its own name or ncclient's. The collector translates that failure
        # once into the device's error (meta.json and the summary), so these logs would only repeat it as noise.
        for foreign in ("paramiko", "ncclient"):
            logging.getLogger(foreign).setLevel(logging.CRITICAL)
        # the rest log every channel event, key exchange or RPC at DEBUG/INFO: shown only with -vvv
        for noisy in NOISY_LOGGERS:
            logging.getLogger(noisy).setLevel(max(root, logging.WARNING))
