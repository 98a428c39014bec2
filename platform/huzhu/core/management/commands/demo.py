"""huzhu demo: load the deterministic demo data (once) with a progress bar, then print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from huzhu.core.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo data once (running it again is a no-op) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=False,
        ) as progress:
            tasks: dict[str, Any] = {}

            def advance(label: str, n: int) -> None:
                if label not in tasks:
                    for task_id in tasks.values():  # a new step began: the earlier ones are done
                        progress.update(task_id, total=progress.tasks[task_id].completed)
                    tasks[label] = progress.add_task(label, total=None)
                progress.update(tasks[label], advance=n)

            loaded, logins = load_demo(advance)
            for task_id in tasks.values():
                done = progress.tasks[task_id].completed
                progress.update(task_id, total=done)
        console.print("demo data loaded" if loaded else "demo data already loaded: nothing changed")
        table = Table(title="Demo logins (互助演示账号)")
        for column in ("role", "email", "password", "note"):
            table.add_column(column)
        for login in logins:
            table.add_row(login["role"], login["email"], login["password"], login.get("note", ""))
        console.print(table)
