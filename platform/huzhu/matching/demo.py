"""Demo matching: one optimal round over the district, so the workstation consoles open on real proposals."""

from __future__ import annotations

from typing import Any

from .rounds import match_round


def load(ctx: Any) -> None:
    record = match_round(actor=None, region=ctx.regions["minhang"])
    ctx.data["matching_round"] = record.pk
    ctx.advance("匹配 matching", record.proposed)
