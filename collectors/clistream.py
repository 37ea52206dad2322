"""One CLI command's output, written to a file as it arrives: what netmiko's ``send_command`` returns, without
holding it in memory.

netmiko reads until the prompt and then, on the whole text, normalises line ends (``\\r\\n`` and lone ``\\r`` become
``\\n``), drops backspaces, strips the echoed command (everything up to the end of the line holding it) and the
trailing prompt line, then a Junos context line (``{master:0}``, ``[edit]``) left last. ``CliOutput`` does the same
on a stream: it holds back only what those steps may still remove (the head until the echo line ends, the last two
lines), writes the rest as it comes, and counts what the device sent against a limit.

Lines longer than ``LINE_CAP`` are written out as they come, never held: a prompt or context line is short, so the
result differs from netmiko's only for a device whose prompt line is 4 KB long.
"""

from __future__ import annotations

import re
from typing import BinaryIO

LINE_CAP = 4096
_HEAD_CAP = 65536  # no echo of the command within this much output: nothing is stripped at the head (as netmiko)
_TERMINATORS = (b">", b"#", b"%", b"$")  # netmiko's prompt terminators (Junos: > operational, # configuration)
_NEWLINES = re.compile(rb"\r\r\r\n|\r\r\n|\r\n|\n\r")
_LINE_END_RUN = re.compile(rb"[\r\n]+\Z")
# netmiko.juniper.JuniperBase.strip_context_items
_CONTEXT = re.compile(rb"\[edit.*\]|\{master:?.*\}|\{backup:?.*\}|\{line.*\}|\{primary.*\}|\{secondary.*\}",
                      re.IGNORECASE)


class ReplyTooLarge(Exception):
    """The device sent more than the limit for one command; what was written so far is incomplete."""


class CliOutput:
    """Feed it the bytes read from the channel (``feed``) until it says the prompt is back, then ``finish``.

    ``out`` receives the output as ``send_command(strip_prompt=True, strip_command=True)`` would return it, UTF-8.
    ``base_prompt`` is netmiko's (``lab@r1``, checked at log-in to end with a prompt terminator): the output ends
    with a line ending in it and a terminator (``lab@r1>``, ``lab@r1#``)."""

    def __init__(self, out: BinaryIO, *, command: str, base_prompt: str, limit: int) -> None:
        self.out = out
        self.command = command.strip().encode("utf-8")
        self.base_prompt = base_prompt.encode("utf-8")
        self.limit = limit
        self.received = 0
        self.written = 0
        self.blank = True  # nothing but whitespace written or held (an empty answer)
        self._raw = b""  # line-end bytes that may pair with the next read's first bytes
        self._head: bytearray | None = bytearray()  # None once the echoed command line is dropped
        self._held = bytearray()  # the last lines, which the prompt and context stripping may remove

    def feed(self, data: bytes) -> bool:
        """Take one read; True when the output ends with the prompt. Raises ReplyTooLarge past the limit."""
        self.received += len(data)
        if self.received > self.limit:
            raise ReplyTooLarge(f"more than {self.limit} bytes")
        data = self._raw + data
        run = _LINE_END_RUN.search(data)
        keep = 0 if run is None else min(len(run.group()), 4)  # the longest line end netmiko knows is 4 bytes
        self._raw = data[len(data) - keep:] if keep else b""
        text = _normalise(data[: len(data) - keep])
        if self._head is not None:
            self._head += text
            text = self._past_echo()
            if self._head is not None:
                return False
        self._hold(text)
        return self._prompt_back()

    def finish(self) -> None:
        """The prompt is back: write what the stripping leaves of the held lines."""
        if self._head is not None:  # the prompt came before any line end after the echo
            self._hold(self._strip_echo(bytes(self._head)))
            self._head = None
        self._hold(_normalise(self._raw))
        self._raw = b""
        lines = bytes(self._held).split(b"\n")
        if self.base_prompt in lines[-1]:
            lines = lines[:-1] or [b""]
        if _CONTEXT.search(lines[-1]):
            lines.pop()
        self._write(b"\n".join(lines))
        self._held.clear()

    # -----------------------------------------------------------------------------------------------------------

    def _past_echo(self) -> bytes:
        """The output after the echoed command's line, once that line has ended (else b"" and keep reading)."""
        head = bytes(self._head or b"")
        at = head.find(self.command) if self.command else -1
        if at >= 0:
            end = head.find(b"\n", at)
            if end < 0:
                return b""
            self._head = None
            # netmiko: what precedes the echo (an earlier prompt) is dropped, then the echo's line.
            return head[end + 1:] if head.count(self.command) == 1 else self._strip_echo(head)
        if len(head) > _HEAD_CAP:
            self._head = None
            return head
        return b""

    def _strip_echo(self, head: bytes) -> bytes:
        if self.command and head.startswith(self.command):
            return head.split(b"\n", 1)[1] if b"\n" in head else b""
        return head

    def _hold(self, text: bytes) -> None:
        if not text:
            return
        self._held += text
        held = self._held
        last = held.rfind(b"\n")
        before = held.rfind(b"\n", 0, last) if last > 0 else -1
        if before > 0:  # everything before the second-to-last line end stays, whatever the stripping does
            self._write(bytes(held[:before]))
            del held[:before]
            last -= before
        if len(held) - last - 1 > LINE_CAP:  # the last line is too long to be a prompt: it stays
            self._write(bytes(held))
            held.clear()
        elif last > LINE_CAP:  # the line before it is too long to be a context line
            self._write(bytes(held[:last]))
            del held[:last]

    def _prompt_back(self) -> bool:
        last = bytes(self._held[self._held.rfind(b"\n") + 1:]).rstrip()
        return bool(self.base_prompt) and last[-1:] in _TERMINATORS and last[:-1].endswith(self.base_prompt)

    def _write(self, text: bytes) -> None:
        if text:
            self.out.write(text)
            self.written += len(text)
            self.blank = self.blank and not text.strip()


def _normalise(data: bytes) -> bytes:
    """netmiko's normalize_linefeeds, and the backspaces its strip_command removes."""
    return _NEWLINES.sub(b"\n", data).replace(b"\r", b"\n").replace(b"\x08", b"")
