"""A flag for bulk loads (the demo): after-commit reactions that work one object at a time stand aside.

Online matching proposes for each need that opens and each goods receipt; during a bulk load of thousands of
needs that would run thousands of candidate searches after the commit. The demo ends with one optimal round
instead, so the receivers check `bulk_loading()` and return.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_bulk = ContextVar("huzhu_bulk_loading", default=False)


def bulk_loading() -> bool:
    return _bulk.get()


@contextmanager
def bulk_load() -> Iterator[None]:
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)
