"""Pausing Python's cyclic garbage collector while a catalogue is read.

Reading makes millions of long-lived objects and few cycles, and every full
collection walks all of them: for 10,000 items a large share of a build's time
went there. The previous state is restored, so pauses nest (the item cache
pauses while unpickling, inside a load that pauses too). A build freezes what it
read before the collector resumes (build/pipeline.py): the first collection after a pause
would otherwise walk all of it, a quarter of a second for 10,000 items.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
