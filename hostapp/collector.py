"""The cyclic garbage collector while the host's modules are imported.

Importing the host (flask, sqlalchemy, the ORM with every mapped class, the services and the
views) creates a few hundred thousand objects that live as long as the process, and next to no
garbage. With the collector running, each of them is scanned again and again while the heap
grows: the young generations every 700 allocations, the whole heap once. :func:`imports_kept`
pauses the collector for a block of imports and then freezes what exists (:func:`gc.freeze`),
so later collections skip those objects, in this process and in workers forked from it.
Objects that die later are still freed by their reference counts; only cycles among the frozen
ones are never collected, which is why it wraps module imports, run once per process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def imports_kept() -> Iterator[None]:
    """Pause the cyclic collector for the block, then freeze what exists and restore its state."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
