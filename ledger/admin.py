"""Read-only admin views of the ledger: accounts with their balances, transfers, seals. Nothing is edited here;
transfers change only through ledger.api (and the database refuses edits anyway)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ledger.models import Account, Seal, Transfer


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnly):
    list_display = ("id", "code", "ledger", "group", "credits_posted", "debits_posted", "debits_pending", "closed")
    list_filter = ("ledger", "closed")
    search_fields = ("code", "name", "group")


@admin.register(Transfer)
class TransferAdmin(ReadOnly):
    list_display = ("id", "created_at", "ledger", "code", "phase", "debit_account_id", "credit_account_id", "amount")
    list_filter = ("ledger", "phase", "code")
    search_fields = ("client_id",)
    show_full_result_count = False  # counting millions of rows on every page is not worth it


@admin.register(Seal)
class SealAdmin(ReadOnly):
    list_display = ("id", "created_at", "xid_from", "xid_to", "transfer_count", "encoding")
    exclude = ("ids", "digests")
