"""The deterministic demo: one district, 3 streets, 12 communities, ~2,000 households, 300 volunteers …

Each app that has demo data provides `huzhu.<app>.demo.load(ctx)`; the steps run in dependency order inside
one transaction and record a DemoLoad row, so running `huzhu demo` again changes nothing.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

STEPS = ["regions", "people", "households", "giving", "timebank", "volunteering", "projects", "matching"]
DEMO_PASSWORD = "huzhu-demo-2026"
SEED = 20261125


@dataclass
class DemoContext:
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    regions: dict[str, Any] = field(default_factory=dict)  # code → Region
    users: dict[str, Any] = field(default_factory=dict)  # key → User
    workstations: dict[str, Any] = field(default_factory=dict)  # street code → Workstation
    logins: list[dict[str, str]] = field(default_factory=list)
    advance: Callable[[str, int], None] = lambda _label, _n: None
    data: dict[str, Any] = field(default_factory=dict)  # anything a later step needs from an earlier one

    def login(self, role: str, email: str, note: str = "") -> None:
        self.logins.append({"role": role, "email": email, "password": DEMO_PASSWORD, "note": note})


def demo_steps() -> list[tuple[str, Callable[[DemoContext], None]]]:
    steps = []
    for app in STEPS:
        try:
            module = importlib.import_module(f"huzhu.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"huzhu.{app}.demo":
                raise
            continue
        steps.append((app, module.load))
    return steps


def load_demo(advance: Callable[[str, int], None] | None = None) -> tuple[bool, list[dict[str, str]]]:
    """Load the demo once. Returns (loaded now?, logins)."""
    from .models import DemoLoad

    existing = DemoLoad.objects.filter(name="demo").first()
    if existing is not None:
        return False, list(existing.logins)
    ctx = DemoContext()
    if advance is not None:
        ctx.advance = advance
    from .bulk import bulk_load

    # The whole load commits at once; its after-commit callbacks run inside bulk_load too, so online matching
    # does not search candidates need by need for thousands of demo needs (the demo ends with one round).
    with bulk_load(), transaction.atomic():
        for _app, load in demo_steps():
            load(ctx)
            _analyze()
        DemoLoad.objects.create(name="demo", logins=ctx.logins)
    return True, ctx.logins


def _analyze() -> None:
    """Planner statistics for the rows a step inserted, before the next step reads them.

    The demo loads in one transaction, so autovacuum never sees its rows; and a table whose statistics say it is
    empty (autovacuum ran after an earlier load was rolled back: a failed `huzhu demo`, or the previous test) gets
    plans that walk a whole index for each row fetched by id. In that state the demo took over 200 s instead of
    about 20 (check-ins, gifts and the matching round, row by row). ANALYZE inside the transaction counts the rows
    this transaction inserted.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
