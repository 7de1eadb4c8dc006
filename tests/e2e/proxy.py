"""A TCP proxy on loopback that loses one answer: the request reaches the server, the reply not.

It stands between a real client and a real server, so a test can show what a lost response does
to a retry without mocking either side.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class LosingProxy:
    """Forwards every connection to ``upstream_port``; the response to the first request that
    starts with ``trigger`` is read from the server and thrown away, and the client's connection
    is closed instead, as when a network drops between the server's commit and the client."""

    def __init__(self, upstream_port: int, trigger: bytes) -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self._trigger = trigger
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._lock = threading.Lock()
        self._armed = True
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        #: Everything each client connection sent, in order of connection.
        self.sent: list[bytearray] = []
        #: Set once the server's answer to the trigger request has been thrown away.
        self.lost = threading.Event()
        self._start(self._accept)

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(self._upstream)
            sent = bytearray()
            lose = threading.Event()
            with self._lock:
                self._sockets += [client, upstream]
                self.sent.append(sent)
            self._start(self._to_server, client, upstream, sent, lose)
            self._start(self._to_client, upstream, client, lose)

    def _to_server(
        self, client: socket.socket, upstream: socket.socket, sent: bytearray, lose: threading.Event
    ) -> None:
        try:
            while data := client.recv(65536):
                with self._lock:
                    sent += data
                    # Decided before the bytes go on, so the answer cannot outrun the decision.
                    if self._armed and self._trigger in sent:
                        self._armed = False
                        lose.set()
                upstream.sendall(data)
        except OSError:
            pass
        _close(upstream)

    def _to_client(
        self, upstream: socket.socket, client: socket.socket, lose: threading.Event
    ) -> None:
        # The client sends its next request on a connection only after the whole previous
        # answer, so once the trigger request has gone out, what arrives is its answer.
        try:
            while data := upstream.recv(65536):
                if lose.is_set():
                    self.lost.set()
                    break
                client.sendall(data)
        except OSError:
            pass
        _close(client)
        _close(upstream)

    def idempotency_keys(self, request_line: bytes) -> list[str]:
        """The Idempotency-Key of every request starting with ``request_line``, in order."""
        heads = re.compile(re.escape(request_line) + rb"[^\r]*\r\n(.*?)\r\n\r\n", re.DOTALL)
        keys = []
        with self._lock:
            for sent in self.sent:
                for head in heads.findall(sent):
                    found = re.search(rb"(?im)^idempotency-key:\s*(\S+)", head)
                    keys.append(found.group(1).decode() if found else "")
        return keys

    def close(self) -> None:
        """Stop accepting, close every connection and wait for the threads."""
        self._stopping.set()
        self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _close(sock)
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@contextmanager
def losing_proxy(upstream_port: int, trigger: bytes) -> Iterator[LosingProxy]:
    """A :class:`LosingProxy` for the duration of a ``with`` block."""
    proxy = LosingProxy(upstream_port, trigger)
    try:
        yield proxy
    finally:
        proxy.close()
