"""huzhu match round --region CODE: run an optimal matching round and print what it proposed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from huzhu.matching.rounds import match_round
from huzhu.regions.models import Region


class Command(BaseCommand):
    help = "Assign all open supply to all open need of a region (min-cost flow) and propose the result."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", required=True, help="Region code, e.g. minhang or jiangchuan")

    def handle(self, *args: Any, region: str, **options: Any) -> None:
        target = Region.objects.filter(code=region).first()
        if target is None:
            raise CommandError(f"no region with code {region!r}")
        record = match_round(actor=None, region=target)
        ratio = record.total_score / record.greedy_score if record.greedy_score else 1.0
        self.stdout.write(
            f"round {record.pk} in {target.name}: {record.needs} needs, {record.supplies} supplies, {record.arcs} arcs"
            f" → {record.proposed} proposals; total score {record.total_score} (greedy {record.greedy_score},"
            f" ×{ratio:.4f}); ms {record.timings_ms}"
        )
