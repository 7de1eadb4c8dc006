"""The operator channel: ``lekstat-server`` commands while the server holds the database.

DuckDB lets one process open the file. While the server runs, a ``lekstat-server`` command
cannot open it, so the server listens on a Unix socket next to the database (mode 0600: whoever
may read the database file may also use this channel) and runs the command in-process against
its own store. The protocol is one JSON line each way:
``{"argv": [...], "cwd": "..."}`` → ``{"exit": 0, "stdout": "...", "stderr": "..."}``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import socket
import stat
import tempfile
from pathlib import Path
from typing import Any

import anyio.to_thread

from aggregator.cli.base import Forwarded
from aggregator.services.context import Context

#: Unix socket paths are limited to about 104–108 bytes.
_MAX_SOCKET_PATH = 100


def socket_path(db_path: Path) -> Path:
    """Where the operator socket of the database ``db_path`` lives.

    Beside the database when the path is short enough, else in a private per-user directory
    (never a predictable name in a shared folder, which another user could take first).
    """
    db = db_path.resolve()
    beside = db.with_name(db.name + ".sock")
    if len(str(beside)) <= _MAX_SOCKET_PATH:
        return beside
    digest = hashlib.sha256(str(db).encode()).hexdigest()[:16]
    return _private_dir() / f"{digest}.sock"


def _private_dir() -> Path:
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    folder = base / f"lekstat-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise OperatorError(f"{folder} is not a private folder of this user; remove it")
    return folder


class OperatorError(RuntimeError):
    """The operator socket cannot be trusted or reached."""


class OperatorChannel:
    """The operator socket as a companion of the service: started and stopped with it."""

    def __init__(self, path: Path, runner: Forwarded) -> None:
        self.path = path
        self.runner = runner
        self._server: asyncio.AbstractServer | None = None

    async def start(self, context: Context) -> None:
        """Listen on the socket; each request runs in a worker thread on ``context``."""

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                line = await reader.readline()
                request = json.loads(line)
                argv = [str(a) for a in request["argv"]]
                cwd = str(request.get("cwd") or os.getcwd())
                code, out, err = await anyio.to_thread.run_sync(self.runner, argv, cwd, context)
                reply: dict[str, Any] = {"exit": code, "stdout": out, "stderr": err}
            except Exception as exc:  # a malformed request must not take the server down
                reply = {
                    "exit": 3,
                    "stdout": "",
                    "stderr": f"operator channel: {type(exc).__name__}\n",
                }
            writer.write(json.dumps(reply).encode() + b"\n")
            await writer.drain()
            writer.close()

        if self.path.exists():
            self.path.unlink()  # a stale socket of a crashed server
        # Connecting needs write permission on the socket, which the process umask never gives
        # to others; 0600 also keeps out the group.
        self._server = await asyncio.start_unix_server(handle, path=str(self.path), limit=2**20)
        os.chmod(self.path, 0o600)

    async def stop(self) -> None:
        """Stop listening and remove the socket."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        self.path.unlink(missing_ok=True)


def forward(path: Path, argv: list[str], timeout: float = 3600.0) -> tuple[int, str, str]:
    """Send a command to a running server; return its exit code, stdout and stderr."""
    owner = path.stat().st_uid
    if owner not in (os.getuid(), 0):
        raise OperatorError(f"{path} belongs to another user; not sending the command there")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        sock.sendall(json.dumps({"argv": argv, "cwd": os.getcwd()}).encode() + b"\n")
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    reply = json.loads(b"".join(chunks))
    return int(reply["exit"]), str(reply["stdout"]), str(reply["stderr"])
