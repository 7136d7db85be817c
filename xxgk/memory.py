"""Memory handed back to the system between the steps of a build that hold a national corpus."""

from __future__ import annotations

import ctypes
import gc

import pyarrow as pa


def give_back_memory() -> None:
    """What Python and Arrow freed returned to the system (glibc keeps freed blocks for reuse, so
    the next step would start from the last step's peak)."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
