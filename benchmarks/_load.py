"""Shared load generator: N client threads hammer one URL for a few seconds over keep-alive."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Load:
    """What a load run completed: its 200 responses and the seconds it took."""

    requests: int
    seconds: float

    @property
    def rate(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds


def load(url: str, *, seconds: float = 5.0, clients: int = 4, headers: dict | None = None) -> Load:
    """Send GET ``url`` from ``clients`` threads for ``seconds``; an answer other than 200 fails the run."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    done = [0] * clients
    errors: list[Exception] = []
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            while time.monotonic() < stop and not errors:
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{url} answered {response.status}")
                done[index] += 1
        except (OSError, RuntimeError, http.client.HTTPException) as error:
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return Load(sum(done), time.monotonic() - started)
