"""huzhu serve: one ASGI process (uvicorn) for HTTP and websockets, plus the job worker in-process."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Huzhu over HTTP and websockets."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not run the job worker in-process.")

    def handle(self, *args: Any, host: str, port: int, no_worker: bool, **options: Any) -> None:
        import uvicorn

        worker = None
        if settings.HUZHU_INPROCESS_WORKER and not no_worker:
            from huzhu.core.worker import start_inprocess_worker

            worker = start_inprocess_worker()
        self.stdout.write(f"Huzhu on http://{host}:{port}/  (GraphQL: /graphql, admin: /admin/)", ending="\n")
        self.stdout.flush()
        try:
            uvicorn.run("huzhu.asgi:application", host=host, port=port, log_level="warning", lifespan="off")
        finally:
            if worker is not None:
                worker.stop()
