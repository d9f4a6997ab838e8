"""Shared load generator: N client threads hammer one URL for a few seconds over keep-alive."""

from __future__ import annotations

import http.client
import threading
import time
from urllib.parse import urlsplit


def requests_per_second(url: str, *, seconds: float = 5.0, clients: int = 4, headers: dict | None = None) -> float:
    """Completed 200 responses per second against ``url``."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    done = [0] * clients
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < stop:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
            done[index] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - started)
