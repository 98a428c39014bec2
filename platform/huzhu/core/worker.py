"""The procrastinate worker run inside the serving process on the embedded default.

At scale the worker runs in its own processes (`huzhu procrastinate worker`), against the same PostgreSQL.

Why a second app object: procrastinate's Django app defers jobs through Django's own connection (so a job
deferred inside `transaction.atomic` is rolled back with it), but that connector cannot LISTEN, so a worker
needs a psycopg pool connector. The management command swaps the connector of the global app for the time
of the command, which is fine in a process that only works; in the serving process the web requests keep
deferring through Django's connection, so the worker gets its own app with the same tasks instead.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

logger = logging.getLogger(__name__)


def worker_app() -> Any:
    """A procrastinate App with the Django app's tasks and a worker-capable (psycopg pool) connector."""
    from procrastinate.contrib.django import app

    connector = app.connector
    if hasattr(connector, "get_worker_connector"):
        connector = connector.get_worker_connector()
    return app.with_connector(connector)


class InProcessWorker:
    """A procrastinate worker on its own event loop in a daemon thread; `stop()` ends it gracefully."""

    def __init__(self, *, name: str = "in-process", polling_interval: float = 5.0, **options: Any) -> None:
        self.name = name
        self.options = {"fetch_job_polling_interval": polling_interval, **options}
        self.thread = threading.Thread(target=self._run, name=f"procrastinate-{name}", daemon=True)
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self, *, wait: float = 10.0) -> InProcessWorker:
        self.thread.start()
        self.ready.wait(wait)
        return self

    def stop(self, *, timeout: float = 10.0) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)
        self.thread.join(timeout)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # the web process keeps serving if the worker dies; the log says why
            self.error = exc
            logger.exception("in-process job worker stopped")
        finally:
            self.ready.set()
            from django.db import connections

            connections.close_all()

    async def _main(self) -> None:
        app = worker_app()
        async with app.open_async():
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()
            self.ready.set()
            await app.run_worker_async(install_signal_handlers=False, name=self.name, **self.options)


def start_inprocess_worker(**options: Any) -> InProcessWorker:
    """Start the worker thread; returns once it is listening for jobs (or has failed)."""
    return InProcessWorker(**options).start()
