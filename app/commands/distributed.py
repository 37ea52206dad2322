"""``worker``, ``beat``, and ``collect`` / ``sweep`` with ``--broker``: argument values in, app functions called."""

from __future__ import annotations

import argparse
import os

from app.distributed import BrokerSettings
from collectors.distributed.engine import DEFAULT_NAMESPACE

NAMESPACE_ENV = "ASSESS_QUEUE_NAMESPACE"


def settings(args: argparse.Namespace) -> BrokerSettings:
    return BrokerSettings(url=args.broker,
                          namespace=args.namespace or os.environ.get(NAMESPACE_ENV) or DEFAULT_NAMESPACE,
                          site_wait=args.site_wait, result_timeout=args.result_timeout)


def worker(args: argparse.Namespace) -> int:
    from app.cli import verbosity
    from app.worker import run_worker

    sites = [s for chunk in args.queues for s in chunk.split(",") if s]
    return run_worker(settings(args), sites=sites, concurrency=args.concurrency, secrets_file=args.secrets,
                      name=args.name, loglevel="DEBUG" if verbosity(args) > 1 else "INFO")


def beat(args: argparse.Namespace) -> int:
    from app.schedule import run_beat

    sweep = {"inventory": args.inventory, "history": args.history, "out": args.out, "checks": args.checks,
             "keep_snapshots": args.keep_snapshots}
    return run_beat(settings(args), every=args.every, sweep=sweep)


def collect(args: argparse.Namespace) -> int:
    from app.commands.collect import main
    from app.distributed import connect, distributed_collector

    config = settings(args)
    app = connect(config)  # a broker that does not answer stops the run here, before anything is written
    return main(args, collect=distributed_collector(config, app), resolve_passwords=False)


def sweep(args: argparse.Namespace) -> int:
    if getattr(args, "action", None) == "history":
        from app.commands.sweep import history

        return history(args)
    from app.distributed import connect
    from app.schedule import sweep_on_queue
    from msplus.errors import InputError

    if not args.inventory:
        raise InputError("sweep needs --inventory FILE (or use: sweep history --history DIR|URL)")
    config = settings(args)
    return sweep_on_queue(config, args, connect(config))
