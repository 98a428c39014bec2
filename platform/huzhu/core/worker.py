"""The procrastinate worker run inside the serving process on the embedded default.

At scale the worker runs on its own machines (`huzhu procrastinate worker`), against the same PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging

logger = logging.getLogger(__name__)


def start_inprocess_worker() -> None:
    from procrastinate.contrib.django import app

    try:
        asyncio.run(app.run_worker_async(install_signal_handlers=False))
    except Exception:  # the web process must keep serving even if the worker dies; the log says why
        logger.exception("in-process job worker stopped")
