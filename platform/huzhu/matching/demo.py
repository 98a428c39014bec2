"""Demo matching: one optimal round over the district, so the workstation consoles open on real proposals."""

from __future__ import annotations

from typing import Any

from django.db import connection

from .rounds import match_round


def load(ctx: Any) -> None:
    # Planner statistics first. The demo loads in one transaction, so autovacuum has never seen these rows, and
    # a table whose statistics say it is empty (vacuumed after an earlier load was rolled back: a failed
    # `huzhu demo`, or the previous test) gets plans that walk a whole index for each need the round fetches by
    # id: the round then took over four minutes instead of seconds. ANALYZE inside the transaction counts the
    # rows this transaction inserted.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    record = match_round(actor=None, region=ctx.regions["minhang"])
    ctx.data["matching_round"] = record.pk
    ctx.advance("匹配 matching", record.proposed)
