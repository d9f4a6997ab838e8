"""The shared machinery of gateway simulators: an HTTP server with a fault switchboard.

A gateway add-on supplies a :class:`SimulatorApp` that speaks its protocol (IPpay XML, a
JSON API...). This module serves it over real HTTP and can make any answer go wrong on
purpose, so tests exercise the unknown-outcome paths against a real socket:

============================  =========================================================
fault                         what the gateway does
============================  =========================================================
``late``                      processes the request, waits ``delay`` seconds, answers
``timeout_after_charge``      processes the request, waits ``delay`` s, closes silently
``http_5xx``                  answers HTTP ``status`` (503) without processing
``http_5xx_after_charge``     processes, then answers HTTP ``status`` (500)
``garbage``                   answers 200 with a body the protocol cannot parse
``garbage_after_charge``      processes, then answers garbage
``drop``                      closes the connection without processing or answering
``drop_after_charge``         processes, then closes the connection without answering
============================  =========================================================

Faults are armed for the next ``times`` requests (optionally only requests of one kind,
e.g. ``SALE``), from Python (:attr:`RunningSimulator.faults`) or over HTTP::

    POST   /_sim/faults   {"fault": "timeout_after_charge", "times": 1, "only": "SALE"}
    DELETE /_sim/faults   disarm everything
    GET    /_sim/log      what the simulator processed (the app's journal, no card data)
    GET    /_sim/stats    requests in progress now and at the peak
    POST   /_sim/reset    forget faults and every stored transaction
"""

from __future__ import annotations

import enum
import importlib
import json
import logging
import socket
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

import click

log = logging.getLogger(__name__)

ADMIN_PREFIX = "/_sim/"


class Fault(str, enum.Enum):
    LATE = "late"
    TIMEOUT_AFTER_CHARGE = "timeout_after_charge"
    HTTP_5XX = "http_5xx"
    HTTP_5XX_AFTER_CHARGE = "http_5xx_after_charge"
    GARBAGE = "garbage"
    GARBAGE_AFTER_CHARGE = "garbage_after_charge"
    DROP = "drop"
    DROP_AFTER_CHARGE = "drop_after_charge"

    @property
    def processes(self) -> bool:
        """Whether the simulator acts on the request (charges) before the fault strikes."""
        return self in (Fault.LATE, Fault.TIMEOUT_AFTER_CHARGE, Fault.HTTP_5XX_AFTER_CHARGE,
                        Fault.GARBAGE_AFTER_CHARGE, Fault.DROP_AFTER_CHARGE)


@dataclass
class ArmedFault:
    """One armed fault; ``times`` ``None`` means every matching request until disarmed."""

    fault: Fault
    times: int | None = 1
    delay: float = 0.0
    status: int = 0
    only: str = ""

    def __post_init__(self) -> None:
        self.fault = Fault(self.fault)
        if not self.status:
            self.status = 500 if self.fault is Fault.HTTP_5XX_AFTER_CHARGE else 503
        if not self.delay:
            self.delay = 30.0 if self.fault is Fault.TIMEOUT_AFTER_CHARGE else 0.0


class FaultBoard:
    """The switchboard: thread-safe list of armed faults, consumed request by request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[ArmedFault] = []

    def arm(self, fault: Fault | str, *, times: int | None = 1, delay: float = 0.0, status: int = 0,
            only: str = "") -> ArmedFault:
        armed = ArmedFault(Fault(fault), times, delay, status, only)
        with self._lock:
            self._armed.append(armed)
        return armed

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, kind: str) -> ArmedFault | None:
        """The fault for one request of ``kind`` (used up if it was armed for a number of times)."""
        with self._lock:
            for armed in self._armed:
                if armed.only and armed.only != kind:
                    continue
                if armed.times is not None:
                    armed.times -= 1
                    if armed.times <= 0:
                        self._armed.remove(armed)
                return armed
        return None

    def listing(self) -> list[dict]:
        with self._lock:
            return [{**asdict(a), "fault": a.fault.value} for a in self._armed]


@dataclass(frozen=True)
class SimRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    #: the client's IP address (gateways that allowlist source addresses check it)
    client: str = ""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "text/xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class SimulatorApp(Protocol):
    """What a gateway's simulator implements; the server does HTTP and faults."""

    #: a body the client's protocol parser must reject
    garbage: bytes

    def kind(self, request: SimRequest) -> str:
        """A short name of the request's operation (``SALE``, ``POST /payments``) for fault matching."""

    def handle(self, request: SimRequest) -> Reply:
        """Process one request exactly as the gateway would."""

    def journal(self) -> list[dict]:
        """What was processed, oldest first, without card data."""

    def reset(self) -> None:
        """Forget every stored transaction and token."""


class _Handler(BaseHTTPRequestHandler):
    server: "SimulatorServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # route http.server's access log to logging
        log.debug("simulator %s: " + fmt, self.address_string(), *args)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _json(self, status: int, data) -> None:
        self._send(Reply(status, json.dumps(data).encode(), "application/json"))

    def _dispatch(self) -> None:
        request = SimRequest(self.command, self.path, dict(self.headers.items()), self._body(),
                             self.client_address[0])
        if request.path.startswith(ADMIN_PREFIX):
            self._admin(request)
            return
        with self.server.concurrency:
            self._gateway(request)

    def _gateway(self, request: SimRequest) -> None:
        app = self.server.app
        armed = self.server.faults.take(app.kind(request))
        if armed is None:
            self._send(app.handle(request))
            return
        log.info("simulator: %s on %s", armed.fault.value, app.kind(request))
        reply = app.handle(request) if armed.fault.processes else None
        fault = armed.fault
        if fault in (Fault.LATE, Fault.TIMEOUT_AFTER_CHARGE):
            self.server.release.wait(armed.delay)
            if fault is Fault.LATE:
                self._send(reply)
            else:
                self._drop()
        elif fault in (Fault.HTTP_5XX, Fault.HTTP_5XX_AFTER_CHARGE):
            self._send(Reply(armed.status, b"<html><body><h1>Service Unavailable</h1></body></html>",
                             "text/html"))
        elif fault in (Fault.GARBAGE, Fault.GARBAGE_AFTER_CHARGE):
            self._send(Reply(200, app.garbage, "text/html"))
        else:
            self._drop()

    def _admin(self, request: SimRequest) -> None:
        name = request.path[len(ADMIN_PREFIX):].split("?")[0]
        board, app = self.server.faults, self.server.app
        if name == "faults" and request.method == "GET":
            self._json(200, board.listing())
        elif name == "faults" and request.method == "POST":
            try:
                spec = json.loads(request.body or b"{}")
                armed = board.arm(spec.pop("fault"), **spec)
            except (KeyError, TypeError, ValueError) as exc:
                self._json(400, {"error": f"bad fault: {exc}"})
                return
            self._json(201, {**asdict(armed), "fault": armed.fault.value})
        elif name == "faults" and request.method == "DELETE":
            board.clear()
            self._json(200, [])
        elif name == "stats" and request.method == "GET":
            meter = self.server.concurrency
            self._json(200, {"in_flight": meter.current, "peak_in_flight": meter.peak})
        elif name == "log" and request.method == "GET":
            self._json(200, app.journal())
        elif name == "reset" and request.method == "POST":
            board.clear()
            self.server.release_held(wait=0)
            self.server.concurrency.reset()
            app.reset()
            self._json(200, {"ok": True})
        else:
            self._json(404, {"error": "unknown simulator endpoint"})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch


class ConcurrencyMeter:
    """Counts gateway requests in progress and remembers the peak (tests check batch limits)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0

    def __enter__(self) -> "ConcurrencyMeter":
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self.current -= 1

    def reset(self) -> None:
        with self._lock:
            self.peak = self.current


class SimulatorServer(ThreadingHTTPServer):
    """A threaded HTTP server for one :class:`SimulatorApp` plus its :class:`FaultBoard`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: SimulatorApp, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.app = app
        self.faults = FaultBoard()
        #: set to cut every held answer short (on stop and reset)
        self.release = threading.Event()
        self.concurrency = ConcurrencyMeter()

    def release_held(self, wait: float = 2.0) -> None:
        """End every answer a fault is holding back, and wait until those requests are gone."""
        held, self.release = self.release, threading.Event()
        held.set()
        deadline = time.monotonic() + wait
        while self.concurrency.current and time.monotonic() < deadline:
            time.sleep(0.01)

    @property
    def port(self) -> int:
        return self.server_address[1]


class RunningSimulator:
    """A simulator served by a background thread (tests, the demo); stop it when done."""

    def __init__(self, app: SimulatorApp, path: str = "", host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.server = SimulatorServer(app, host, port)
        self.base_url = f"http://{host}:{self.server.port}"
        self.url = self.base_url + path
        self._thread = threading.Thread(target=self.server.serve_forever, name="gateway-simulator", daemon=True)
        self._thread.start()

    @property
    def faults(self) -> FaultBoard:
        return self.server.faults

    @property
    def concurrency(self) -> ConcurrencyMeter:
        return self.server.concurrency

    def reset(self) -> None:
        """Disarm faults, forget transactions and the concurrency peak (between tests)."""
        self.server.faults.clear()
        self.server.release_held()
        self.server.concurrency.reset()
        self.app.reset()

    def stop(self) -> None:
        self.server.release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def __enter__(self) -> "RunningSimulator":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


#: what introduces the test credentials in a simulator's banner (``splynx demo`` prints them)
CREDENTIALS_MARK = "test credentials: "


def serve(app: SimulatorApp, host: str, port: int, banner: str = "", credentials: dict[str, str] | None = None) -> None:
    """Serve in the foreground until interrupted (the simulators' command lines).

    The banner, one line, names the gateway URL and the test ``credentials`` the simulator
    accepts (their setting label → value), e.g. ``… test credentials: Terminal ID TESTTERMINAL``.
    """
    server = SimulatorServer(app, host, port)
    line = banner or f"simulator listening on http://{host}:{server.port}"
    if credentials:
        line += "; " + CREDENTIALS_MARK + ", ".join(f"{label} {value}" for label, value in credentials.items())
    print(line, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.release.set()
        server.server_close()


def simulator_command(title: str, module: str, port: int) -> click.Command:
    """``splynx <add-on> simulator``: run the simulator ``python -m <module>`` runs, in the foreground."""
    @click.command(name="simulator", help=f"Run the {title} simulator (same as python -m {module}).")
    @click.option("--host", "bind", default="127.0.0.1", show_default=True)
    @click.option("--port", default=port, show_default=True, type=int)
    def simulator(bind: str, port: int) -> None:
        importlib.import_module(f"{module}.__main__").main(["--host", bind, "--port", str(port)])
    return simulator
