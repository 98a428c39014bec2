"""Admin: read-mostly views. Money and stock change only through the services (and the webhook)."""

from django.contrib import admin

from .models import (
    Disbursement,
    Donation,
    DonationTraceEvent,
    Fund,
    GoodsDonation,
    RecurringDonation,
    ServicePledge,
    StockMovement,
    StripeEvent,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[override]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[override]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[override]
        return False


@admin.register(Donation)
class DonationAdmin(ReadOnly):
    list_display = ("id", "channel", "amount_fen", "status", "fund", "receipt_number", "created_at")
    list_filter = ("status", "channel")
    search_fields = ("receipt_number", "stripe_payment_intent_id")


@admin.register(Fund)
class FundAdmin(ReadOnly):
    list_display = ("key", "kind", "ledger_account_id", "created_at")


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnly):
    list_display = ("id", "type", "outcome", "received_at")
    list_filter = ("type", "outcome")


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnly):
    list_display = ("id", "fund", "need_id", "project_id", "amount_fen", "status", "created_at")


for model in (DonationTraceEvent, GoodsDonation, StockMovement, ServicePledge, RecurringDonation):
    admin.site.register(model, ReadOnly)
