"""Background jobs of the core: a no-op that shows a worker is running jobs (`huzhu procrastinate defer`)."""

from __future__ import annotations

from procrastinate.contrib.django import app


@app.task(name="huzhu.core.ping", queue="default")
def ping(*, note: str = "") -> str:
    """Do nothing but succeed: deferring it and watching it succeed checks the worker end to end."""
    return note
