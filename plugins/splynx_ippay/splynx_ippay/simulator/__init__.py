"""A local IPpay gateway for the demo and the tests: real HTTP, IPpay XML, test-system rules.

Run it with ``python -m splynx_ippay.simulator --port 8701``; it answers at ``/ippay``.
In tests, :func:`start` serves it from a thread; faults are armed through
``simulator.faults`` or the ``/_sim/faults`` endpoint (see :mod:`core.gateway.simulator`).
"""

from core.gateway.simulator import Fault, RunningSimulator

from .gateway import PATH, IppaySimulator
from .rules import TEST_TERMINAL


def start(port: int = 0, terminals: dict[str, str] | None = None) -> RunningSimulator:
    """Serve a fresh simulator on 127.0.0.1 from a background thread; ``.url`` ends in ``/ippay``."""
    return RunningSimulator(IppaySimulator(terminals), PATH, port=port)


__all__ = ["PATH", "TEST_TERMINAL", "Fault", "IppaySimulator", "RunningSimulator", "start"]
