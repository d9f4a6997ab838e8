"""The add-on helper service: the root helper reached over a local socket, not through sudo.

The web process never runs anything as root and cannot gain privileges (its systemd unit
has ``NoNewPrivileges=``). It asks this service instead, which runs as root::

    splynx-addon-helper [--socket PATH] [--client-user USER] [--idle-exit SECONDS]

Under systemd, ``splynx-addon-helper.socket`` owns the socket (``root:splynx``, mode 0660)
and starts the service on the first connection, handing it the listening socket
(``LISTEN_FDS``); the service exits after ``--idle-exit`` quiet seconds. Without systemd
(containers, the Debian install test) the same command binds the socket itself with the
same owner and mode, and runs in the foreground.

Protocol, one request per connection: the client sends one line, a JSON object
``{"argv": [...]}`` holding the helper's command line (``["install", "splynx-ippay"]``,
``["--dry-run", "remove", "splynx-ippay"]``, ``["update"]``), and reads the root helper's
JSON lines (:mod:`core.packages.root_helper`) until ``{"event": "exit", "code": N}``. The
request is checked here (size, shape, the peer's user id from ``SO_PEERCRED``: root or
the client user only), then exactly as the helper checks a command line: add-on names
only, candidates only from the configured repository's ``Origin:``.

Each connection is served by a forked child, so one request cannot disturb another and
an apt-get run finishes even when the client goes away meanwhile (a restarting web
process must not leave dpkg half done).
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import signal
import socket
import socketserver
import stat
import struct
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from . import root_helper
from .base import PackageError

SOCKET_PATH = "/run/splynx-addon-helper.sock"
CLIENT_USER = "splynx"
#: longest request line accepted (a command line of three short words fits many times)
MAX_REQUEST = 1024
MAX_ARGS, MAX_ARG_LENGTH = 3, 128
#: seconds a client has to send its request
REQUEST_TIMEOUT = 10
SD_LISTEN_FDS_START = 3
EX_PROTOCOL = 76


class ProtocolError(ValueError):
    """The request is not one the service accepts; ``code`` is the exit status reported."""

    def __init__(self, message: str, code: int = root_helper.EX_USAGE) -> None:
        super().__init__(message)
        self.code = code


# -- the wire format -----------------------------------------------------------------------------

def encode_request(argv: list[str]) -> bytes:
    return json.dumps({"argv": list(argv)}).encode() + b"\n"


def parse_request(line: bytes) -> list[str]:
    """The helper command line in one request line; raises :class:`ProtocolError`."""
    if len(line) > MAX_REQUEST or not line.endswith(b"\n"):
        raise ProtocolError("the request must be one line of at most 1024 bytes")
    try:
        request = json.loads(line)
    except ValueError:
        raise ProtocolError("the request is not JSON") from None
    if not isinstance(request, dict) or set(request) != {"argv"}:
        raise ProtocolError('the request must be {"argv": [...]}')
    argv = request["argv"]
    if (not isinstance(argv, list) or not 1 <= len(argv) <= MAX_ARGS
            or not all(isinstance(arg, str) and 0 < len(arg) <= MAX_ARG_LENGTH for arg in argv)):
        raise ProtocolError(f"argv must be 1 to {MAX_ARGS} non-empty strings of at most {MAX_ARG_LENGTH} characters")
    return argv


def peer_uid(connection: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket (``SO_PEERCRED``)."""
    creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


# -- the client (the web process's apt backend) --------------------------------------------------

def request_events(path: str, argv: list[str], timeout: float | None = None) -> Iterator[dict]:
    """Send one request to the service at ``path``; yield its events, the ``exit`` event last."""
    try:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        connection.connect(path)
    except OSError as exc:
        raise PackageError(f"the add-on helper service cannot be reached at {path} "
                           f"(splynx-addon-helper.socket): {exc.strerror or exc}") from exc
    with connection, connection.makefile("rb") as replies:
        try:
            connection.sendall(encode_request(argv))
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the request was read (a user it does not serve): its answer is there to read
        for raw in replies:
            line = raw.decode(errors="replace").rstrip("\n")
            try:
                event = json.loads(line)
            except ValueError:
                event = {"event": "log", "line": line}
            yield event
            if event.get("event") == "exit":
                return
    yield {"event": "error", "message": "the add-on helper service closed the connection before it finished"}
    yield {"event": "exit", "code": EX_PROTOCOL}


# -- the service (root) --------------------------------------------------------------------------

class _Relay:
    """Text output onto the client's connection, whole lines at a time, from any thread.

    Once the client is gone, writes are dropped instead of failing: apt-get keeps running
    to the end and its output is still read, so dpkg is never interrupted half way.
    """

    def __init__(self, wfile) -> None:
        self._wfile = wfile
        self._lock = threading.Lock()
        self._pending = threading.local()
        self.gone = False

    def write(self, text: str) -> int:
        pending = getattr(self._pending, "text", "") + text
        complete, newline, self._pending.text = pending.rpartition("\n")
        if newline:
            self._send(complete + newline)
        return len(text)

    def _send(self, text: str) -> None:
        with self._lock:
            if self.gone:
                return
            try:
                self._wfile.write(text.encode())
            except OSError:
                self.gone = True

    def flush(self) -> None:
        """Lines are sent as soon as they are complete."""


class _Handler(socketserver.StreamRequestHandler):
    """One request, in a forked child: check the peer and the request, then run the helper."""

    timeout = REQUEST_TIMEOUT

    def handle(self) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        relay = _Relay(self.wfile)
        sys.stdout = relay
        try:
            if peer_uid(self.connection) not in self.server.allowed_uids:
                raise ProtocolError("this user may not ask the add-on helper", root_helper.EX_NOPERM)
            argv = parse_request(self.rfile.readline(MAX_REQUEST + 1))
        except (ProtocolError, OSError) as exc:
            code = getattr(exc, "code", EX_PROTOCOL)
            root_helper.emit(event="error", message=str(exc))
            root_helper.emit(event="exit", code=code)
            return
        self.connection.settimeout(None)
        root_helper.main(argv)


class HelperServer(socketserver.ForkingMixIn, socketserver.UnixStreamServer):
    """Serves requests on an already listening socket, one forked child per connection."""

    def __init__(self, listener: socket.socket, allowed_uids: set[int]) -> None:
        super().__init__(listener.getsockname(), _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = listener
        self.allowed_uids = allowed_uids
        self.last_request = time.monotonic()

    def process_request(self, request, client_address) -> None:
        self.last_request = time.monotonic()
        super().process_request(request, client_address)

    def idle_for(self) -> float:
        """Seconds since the last request, or 0 while a request is being served."""
        self.collect_children()
        return 0.0 if self.active_children else time.monotonic() - self.last_request


def systemd_listener() -> socket.socket | None:
    """The listening socket systemd passed (socket activation), if any."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()) or os.environ.get("LISTEN_FDS") != "1":
        return None
    for name in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"):
        os.environ.pop(name, None)
    return socket.socket(fileno=SD_LISTEN_FDS_START)


def bound_listener(path: str, group: str) -> socket.socket:
    """Bind ``path`` as systemd's socket unit would: ``root:GROUP``, mode 0660."""
    target = Path(path)
    if target.exists() or target.is_symlink():
        if not stat.S_ISSOCK(target.lstat().st_mode):
            raise SystemExit(f"{path} exists and is not a socket")
        target.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_umask)
    os.chown(path, 0, grp.getgrnam(group).gr_gid)
    os.chmod(path, 0o660)
    listener.listen(16)
    return listener


def serve(server: HelperServer, idle_exit: float | None) -> None:
    """Serve until SIGTERM, or until ``idle_exit`` seconds pass without a request."""
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    server.timeout = min(idle_exit, 5.0) if idle_exit else 1.0
    while not stopping.is_set():
        server.handle_request()
        if idle_exit and server.idle_for() >= idle_exit:
            break
    server.server_close()  # waits for the children still serving requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="splynx-addon-helper", description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", default=SOCKET_PATH, help="socket to bind when systemd passed none")
    parser.add_argument("--client-user", default=CLIENT_USER, help="the one user besides root who may connect")
    parser.add_argument("--idle-exit", type=float, default=None, metavar="SECONDS",
                        help="exit after this many seconds without a request (socket activation)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("must run as root")
    client = pwd.getpwnam(args.client_user)
    listener = systemd_listener()
    idle_exit = args.idle_exit if listener else None  # in the foreground, serve until stopped
    listener = listener or bound_listener(args.socket, grp.getgrgid(client.pw_gid).gr_name)
    serve(HelperServer(listener, {0, client.pw_uid}), idle_exit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
