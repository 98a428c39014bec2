"""`huzhu ledger verify`: recompute every balance from entries and every seal; name the first bad transfer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ledger.integrity import seal, verify


class Command(BaseCommand):
    help = "Recompute every balance from entries and every seal; name the first transfer that does not match."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seal-first", action="store_true", help="seal what is committed, then verify")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seal_first"]:
            self.stdout.write(f"sealed {seal()} transfer(s)")
        report = verify()
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"ledger verification failed: first bad transfer {report.first_bad_transfer}"
                if report.first_bad_transfer is not None
                else "ledger verification failed: balances do not match their entries"
            )
