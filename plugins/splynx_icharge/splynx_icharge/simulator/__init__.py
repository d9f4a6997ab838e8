"""A local xServ for the demo and the tests: real HTTP, the REST/JSON proposal, test-mode rules.

Run it with ``python -m splynx_icharge.simulator --port 8702``; the API is at ``/api/v1``.
In tests, :func:`start` serves it from a thread; faults are armed through
``simulator.faults`` or the ``/_sim/faults`` endpoint (see :mod:`core.gateway.simulator`),
aimed at one xServ method with ``only`` (``ProcessPayment``, ``TransactionStatus``...).
"""

from core.gateway.simulator import Fault, RunningSimulator

from .gateway import API_PATH, TEST_API_KEY, TEST_MERCHANT, IchargeSimulator


def start(port: int = 0, merchants: dict[str, str] | None = None,
          allowed_ips: tuple[str, ...] = ()) -> RunningSimulator:
    """Serve a fresh simulator on 127.0.0.1 from a background thread; ``.url`` ends in ``/api/v1``."""
    return RunningSimulator(IchargeSimulator(merchants, allowed_ips), API_PATH, port=port)


__all__ = ["API_PATH", "TEST_API_KEY", "TEST_MERCHANT", "Fault", "IchargeSimulator", "RunningSimulator", "start"]
