"""`huzhu ledger seal`: hash every committed, unsealed transfer into the seal chain (what the job does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ledger.integrity import seal
from ledger.models import Seal


class Command(BaseCommand):
    help = "Seal committed transfers into the hash chain, in blocks; prints the newest seal's hash."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--block", type=int, default=50_000, help="transfers per seal block (at most)")

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = seal(max_transfers=options["block"])
        head = Seal.objects.order_by("-xid_from").values_list("hash", flat=True).first()
        self.stdout.write(f"sealed {sealed} transfer(s); head {bytes(head).hex() if head else '-'}")
