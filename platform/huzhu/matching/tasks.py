"""Background jobs of matching: a nightly optimal round for every street (procrastinate, on PostgreSQL)."""

from __future__ import annotations

from procrastinate.contrib.django import app


@app.periodic(cron="30 2 * * *")
@app.task(name="matching.nightly_rounds", queueing_lock="matching.nightly_rounds")
def nightly_rounds(timestamp: int) -> None:
    from huzhu.regions.models import Region

    from .rounds import match_round

    for street in Region.objects.filter(level=Region.Level.STREET).order_by("path"):
        match_round(actor=None, region=street)
