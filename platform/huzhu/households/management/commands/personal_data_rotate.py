"""huzhu personal_data_rotate: re-encrypt households' personal data under the first key of
HUZHU_PERSONAL_DATA_KEYS (put the new key first, run this, then remove the old key)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from huzhu.households.services import personal_data_rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt all household personal data under the first key of HUZHU_PERSONAL_DATA_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = personal_data_rotate_keys()
        self.stdout.write(f"re-encrypted the personal data of {count} households")
