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
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread

#: Unix socket paths are limited to about 104–108 bytes.
_MAX_SOCKET_PATH = 100

Runner = Callable[[list[str], str], tuple[int, str, str]]


def socket_path(db_path: Path) -> Path:
    """Where the operator socket of the database ``db_path`` lives."""
    db = db_path.resolve()
    beside = db.with_name(db.name + ".sock")
    if len(str(beside)) <= _MAX_SOCKET_PATH:
        return beside
    digest = hashlib.sha256(str(db).encode()).hexdigest()[:16]
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / f"lekstat-{digest}.sock"


async def serve_operator(path: Path, runner: Runner) -> asyncio.AbstractServer:
    """Listen on ``path`` and run each request with ``runner`` in a worker thread."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readline()
            request = json.loads(line)
            argv = [str(a) for a in request["argv"]]
            cwd = str(request.get("cwd") or os.getcwd())
            code, out, err = await anyio.to_thread.run_sync(runner, argv, cwd)
            reply: dict[str, Any] = {"exit": code, "stdout": out, "stderr": err}
        except Exception as exc:  # a malformed request must not take the server down
            reply = {"exit": 3, "stdout": "", "stderr": f"operator channel: {type(exc).__name__}\n"}
        writer.write(json.dumps(reply).encode() + b"\n")
        await writer.drain()
        writer.close()

    if path.exists():
        path.unlink()  # a stale socket of a crashed server
    old_umask = os.umask(0o177)
    try:
        server = await asyncio.start_unix_server(handle, path=str(path), limit=2**20)
    finally:
        os.umask(old_umask)
    os.chmod(path, 0o600)
    return server


def forward(path: Path, argv: list[str], timeout: float = 3600.0) -> tuple[int, str, str]:
    """Send a command to a running server; return its exit code, stdout and stderr."""
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
