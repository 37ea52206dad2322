"""A lock held on the broker, so that two sweeps of one inventory never overlap, whichever node starts them.

Redis: ``SET key token NX PX ttl``, renewed every ttl/3 by a thread while the sweep runs and deleted (only by its
holder) at the end; a holder that dies stops renewing and the lock lapses after ``ttl`` seconds.
RabbitMQ: an exclusive queue named after the lock; the broker refuses a second declaration while the first
connection lives and drops the queue when that connection closes, so a dead holder frees it at once.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from msplus.errors import AssessError

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
          "else return 0 end")


class LockHeld(AssessError):
    """Another run holds the lock (for a sweep: another sweep of the same inventory is running)."""


@contextmanager
def broker_lock(broker_url: str, name: str, *, ttl: float = 60.0) -> Iterator[None]:
    """Hold lock ``name`` on the broker for the ``with`` block; LockHeld at once when someone else holds it."""
    holder = json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                         "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    if broker_url.startswith(("redis://", "rediss://", "unix://")):
        with _redis_lock(broker_url, name, holder, ttl):
            yield
    else:
        with _amqp_lock(broker_url, name):
            yield


@contextmanager
def _redis_lock(url: str, name: str, holder: str, ttl: float) -> Iterator[None]:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=10)
    token = holder + "#" + os.urandom(8).hex()
    if not client.set(name, token, nx=True, px=int(ttl * 1000)):
        other = client.get(name)
        raise LockHeld(f"already running: {_describe(other)} holds {name}")
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(ttl / 3):
            try:
                client.eval(_RENEW, 1, name, token, int(ttl * 1000))
            except Exception:  # noqa: S112 - the broker may blink; the next renewal tries again
                continue

    keeper = threading.Thread(target=renew, name="lock-renew", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join(timeout=5)
        client.eval(_RELEASE, 1, name, token)
        client.close()


@contextmanager
def _amqp_lock(url: str, name: str) -> Iterator[None]:
    from kombu import Connection, Queue

    conn: Any = Connection(url, connect_timeout=5)
    try:
        channel = conn.channel()
        try:
            Queue(name, exclusive=True, auto_delete=True, durable=False).bind(channel).declare()
        except Exception as exc:  # amqp.exceptions.ResourceLocked: another connection declared it
            if "locked" in str(exc).lower() or getattr(exc, "code", None) == 405:
                raise LockHeld(f"already running: another process holds {name}") from exc
            raise
        yield
    finally:
        conn.release()


def _describe(value: bytes | str | None) -> str:
    if not value:
        return "another process"
    try:
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        info = json.loads(text.split("#", 1)[0])
        return f"process {info['pid']} on {info['host']} (since {info['since']})"
    except (ValueError, KeyError, UnicodeDecodeError):
        return "another process"
