"""A real HTTP gateway for the fakepay test add-on: a ledger keyed by transaction key.

It behaves like a card gateway as far as the host's charge batches care: every request
takes ``latency`` seconds, a key that was seen before is answered with what happened the
first time (never charged again), a token named ``tok-decline`` is declined, and the ledger
of what it charged can be read back, so tests and benchmarks check "charged exactly once"
against the gateway's own books. It also reports the most requests it ever had in flight.

    POST /charge   {"key", "amount", "invoice_id", "customer_id", "token", "descriptor"}
    GET  /ledger   every transaction, oldest first
    GET  /stats    {"requests": n, "max_in_flight": n}
    POST /config   {"latency": seconds, "fail_after_charge": n}  (n answers of HTTP 500 after charging)
    POST /reset    forget everything

Run ``python -m tests.plugins.fakepay_server --port N --latency 0.05``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Ledger:
    """The gateway's books and behaviour switches (thread-safe)."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.fail_after_charge = 0
        self.lock = threading.Lock()
        self.entries: dict[str, dict] = {}
        self.order: list[str] = []
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0

    def reset(self) -> None:
        with self.lock:
            self.entries.clear()
            self.order.clear()
            self.requests = self.in_flight = self.max_in_flight = 0
            self.fail_after_charge = 0

    def charge(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.latency)
            with self.lock:
                key = body["key"]
                entry = self.entries.get(key)
                if entry is None:
                    declined = body.get("token") == "tok-decline"
                    entry = {
                        "key": key, "amount": str(Decimal(body["amount"])), "invoice_id": body.get("invoice_id"),
                        "customer_id": body.get("customer_id"), "descriptor": body.get("descriptor", ""),
                        "status": "declined" if declined else "approved",
                        "reference": "" if declined else f"FP{len(self.order) + 1:07d}",
                        "message": "Card declined (005)" if declined else "Approved",
                    }
                    self.entries[key] = entry
                    self.order.append(key)
                    if self.fail_after_charge > 0:
                        self.fail_after_charge -= 1
                        return 500, {"error": "internal error after charging"}
                return 200, {k: entry[k] for k in ("status", "reference", "message")}
        finally:
            with self.lock:
                self.in_flight -= 1

    def listing(self) -> list[dict]:
        with self.lock:
            return [dict(self.entries[k]) for k in self.order]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    #: headers and body go out as two writes; without TCP_NODELAY, Nagle's algorithm and the
    #: client's delayed ACK would add 40 ms to every answer
    disable_nagle_algorithm = True
    server: "GatewayServer"

    def log_message(self, fmt, *args) -> None:  # quiet
        pass

    def _reply(self, status: int, data) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _json(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_POST(self) -> None:
        ledger = self.server.ledger
        body = self._json()
        if self.path == "/charge":
            self._reply(*ledger.charge(body))
        elif self.path == "/config":
            ledger.latency = float(body.get("latency", ledger.latency))
            ledger.fail_after_charge = int(body.get("fail_after_charge", ledger.fail_after_charge))
            self._reply(200, {"latency": ledger.latency})
        elif self.path == "/reset":
            ledger.reset()
            self._reply(200, {"ok": True})
        else:
            self._reply(404, {"error": "unknown endpoint"})

    def do_GET(self) -> None:
        ledger = self.server.ledger
        if self.path == "/ledger":
            self._reply(200, ledger.listing())
        elif self.path == "/stats":
            self._reply(200, {"requests": ledger.requests, "max_in_flight": ledger.max_in_flight})
        else:
            self._reply(404, {"error": "unknown endpoint"})


class GatewayServer(ThreadingHTTPServer):
    """The gateway on 127.0.0.1; ``url`` is its base URL."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port: int = 0, latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.ledger = Ledger(latency)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class RunningGateway:
    """The gateway served from a background thread (tests, benchmarks)."""

    def __init__(self, latency: float = 0.0) -> None:
        self.server = GatewayServer(latency=latency)
        self.url = self.server.url
        self.ledger = self.server.ledger
        self._thread = threading.Thread(target=self.server.serve_forever, name="fakepay-gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    server = GatewayServer(args.port, args.latency)
    print(server.url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
