"""The CLI side of a simulated device: a Junos-like operational-mode shell, as netmiko's juniper_junos drives it.

Prompt ``user@hostname> `` (with the device's context line such as ``{master:0}`` above it), typed characters
echoed as a terminal does, commands from msplus/data/commands.yaml answered from the device's replies. Pipes:
``| display xml``, ``| display set`` (configuration), ``| no-more``. ``set cli ...`` answers as Junos does (netmiko
waits for those exact texts). Unknown commands print a caret under the bad word and ``unknown command.``.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
from collections.abc import Callable

import asyncssh

from lab import replies
from lab.configuration import ConfigUnavailable
from lab.device import SimDevice
from lab.render import display_xml, render_text
from lab.replies import reply_from_body
from lab.rpc import CommandResult, config_text, path_filter, run_command

log = logging.getLogger(__name__)

_SET_CLI = {
    ("screen-length",): "Screen length set to {0}",
    ("screen-width",): "Screen width set to {0}",
    ("complete-on-space", "off"): "Disabling complete-on-space",
    ("complete-on-space", "on"): "Enabling complete-on-space",
    ("timestamp", "disable"): "Disabling timestamp",
}


class ShellSession(asyncssh.SSHServerSession):
    """An interactive CLI session (``shell``), or one command run without a terminal (``exec``)."""

    def __init__(self, device: SimDevice, username: str, on_rpc: Callable[[str], None],
                 command: str | None = None) -> None:
        self._device = device
        self._user = username
        self._on_rpc = on_rpc
        self._command = command
        self._chan: asyncssh.SSHServerChannel | None = None
        self._line = ""
        self._last = ""
        self._echo = False
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._answered = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object) -> bool:
        self._echo = True
        return True

    def shell_requested(self) -> bool:
        return True

    def session_started(self) -> None:
        loop = asyncio.get_running_loop()
        if self._command is not None:
            self._task = loop.create_task(self._run_once(self._command))
            return
        self._write("\r\n" + self._prompt())
        self._task = loop.create_task(self._worker())

    def data_received(self, data: bytes, datatype: int | None) -> None:
        for ch in self._decoder.decode(data):  # incremental: a character may span two packets
            self._key(ch)

    def eof_received(self) -> bool:
        self._queue.put_nowait("\x04")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._task is not None:
            self._task.cancel()

    # -----------------------------------------------------------------------------------------------------------

    def _key(self, ch: str) -> None:
        if ch in "\r\n":
            if not (ch == "\n" and self._last == "\r"):
                if self._echo:
                    self._write("\r\n")
                self._queue.put_nowait(self._line)
                self._line = ""
        elif ch in "\x7f\x08":
            if self._line:
                self._line = self._line[:-1]
                if self._echo:
                    self._write("\b \b")
        elif ch == "\x03":
            self._line = ""
            if self._echo:
                self._write("^C\r\n" + self._prompt())
        elif ch == "\x15":
            self._line = ""
        elif ch >= " " or ch == "\t":
            self._line += ch
            if self._echo:
                self._write(ch)
        self._last = ch

    async def _worker(self) -> None:
        while True:
            line = await self._queue.get()
            if line == "\x04" or line.strip() in {"exit", "quit"}:
                self._write("\r\n")
                self._exit()
                return
            try:
                output = await self._execute(line)
            except Exception:  # a simulator bug must print something (and show in the log), not hang the CLI
                log.exception("%s: cannot run %r", self._device.name, line)
                output = "error: lab simulator internal error"
            if output is None:
                return
            text = output.replace("\r\n", "\n").rstrip("\n").replace("\n", "\r\n")
            self._write((text + "\r\n\r\n" if text else "") + self._prompt())

    async def _run_once(self, line: str) -> None:
        output = await self._execute(line)
        if output is not None:
            self._write(output + "\n")
            self._exit()

    async def _execute(self, line: str) -> str | None:
        """Output of one command line; None when a fault ended the session."""
        line = line.strip()
        if not line:
            return ""
        parts = [p.strip() for p in line.split("|")]
        words = parts[0].split()
        if len(words) > 1 and "set".startswith(words[0]) and "cli".startswith(words[1]):
            return _set_cli(words[2:], len(self._prompt_line()))
        pipes = [p for p in parts[1:] if p and not "no-more".startswith(p)]
        bad_pipe = next((p for p in pipes if not (_is_pipe(p, "display", "xml") or _is_pipe(p, "display", "set"))),
                        None)
        result = run_command(self._device, words)
        if result.error is not None or bad_pipe is not None:
            return self._error(line, words, result, bad_pipe)
        self._on_rpc(result.rpc or "command")
        if not await self._faults(result.rpc or "command"):
            return None
        as_xml = any(_is_pipe(p, "display", "xml") for p in pipes)
        try:
            text = self._render(result, as_xml=as_xml, as_set=any(_is_pipe(p, "display", "set") for p in pipes))
        except ConfigUnavailable as exc:
            return f"error: {exc}"
        return self._xml_fault(result.rpc or "", text) if as_xml else text

    def _xml_fault(self, rpc: str, text: str) -> str:
        """``| display xml`` under an XML fault: what the device prints instead (as over NETCONF)."""
        device = self._device
        f = device.faults
        if rpc in f.malformed_xml:
            return text[: len(text) * 2 // 3]
        if rpc in f.entity_expansion:
            return replies.entity_expansion_document({}, device.release_ns).decode()
        if rpc in f.external_entity:
            return replies.external_entity_document({}, device.release_ns).decode()
        if f.large_reply is not None and f.large_reply[0] == rpc:
            large = reply_from_body(device.large_body(f.large_reply[1]).decode(), source="large",
                                    release=device.release_ns)
            return display_xml(large.payload, device.release_ns, device.prompt_context)
        return text

    def _error(self, line: str, words: list[str], result: CommandResult, bad_pipe: str | None) -> str:
        if result.error is not None and result.bad_index is None:
            return result.error
        if result.error is not None and result.bad_index is not None:
            return self._caret(line, words, result.bad_index) + result.error
        all_words = line.split()
        return self._caret(line, all_words, all_words.index(str(bad_pipe).split()[0])) + "unknown command."

    def _render(self, result: CommandResult, *, as_xml: bool, as_set: bool) -> str:
        device = self._device
        path = result.config_path
        if path is not None:
            if as_xml:
                body = device.config.xml_body(path_filter(path), device.release_ns)
                config = reply_from_body(body.decode(), source="configuration", release=device.release_ns)
                return display_xml(config.payload, device.release_ns, device.prompt_context)
            return config_text(device, path, as_set=as_set)
        reply = result.reply
        assert reply is not None
        if as_xml:
            return display_xml(reply.payload, device.release_ns, device.prompt_context)
        if as_set:
            return "error: display set is only for configuration"
        return render_text(reply.payload)

    async def _faults(self, rpc: str) -> bool:
        device = self._device
        limit = device.faults.disconnect_after_rpcs
        if rpc in device.faults.disconnect_on or (limit is not None and self._answered >= limit):
            self._abort()
            return False
        delay = device.latency_for(rpc)
        if delay:
            await asyncio.sleep(delay)
        if rpc in device.faults.hang_on:
            await asyncio.Event().wait()
        self._answered += 1
        return True

    def _caret(self, line: str, words: list[str], index: int) -> str:
        offset = 0
        for i, word in enumerate(words):
            offset = line.index(word, offset)
            if i == index:
                break
            offset += len(word)
        return " " * (len(self._prompt_line()) + offset) + "^\n"

    def _prompt_line(self) -> str:
        host = self._device.identity.hostname or self._device.name
        return f"{self._user}@{host}> "

    def _prompt(self) -> str:
        context = self._device.prompt_context
        return (f"{context}\r\n" if context else "") + self._prompt_line()

    def _write(self, text: str) -> None:
        if self._chan is not None:
            self._chan.write(text.encode("utf-8"))

    def _exit(self) -> None:
        if self._chan is not None:
            self._chan.exit(0)

    def _abort(self) -> None:
        if self._chan is not None:
            self._chan.get_connection().abort()


def _set_cli(words: list[str], indent: int) -> str:
    for key, message in _SET_CLI.items():
        if len(words) >= len(key) and all(k.startswith(w) for k, w in zip(key, words, strict=False)):
            value = words[len(key)] if len(words) > len(key) else ""
            return message.format(value)
    return " " * indent + "^\nunknown command."


def _is_pipe(pipe: str, *words: str) -> bool:
    got = pipe.split()
    return len(got) == len(words) and all(w.startswith(g) for g, w in zip(got, words, strict=True))
