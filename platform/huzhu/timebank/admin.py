"""Django admin: the rules singleton is editable; the records of movements are read-only (the ledger's history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from .models import (
    Certificate,
    EarnRecord,
    EarnReversal,
    Gift,
    PoolAllotment,
    PoolDonation,
    Redemption,
    TimeBankLink,
    TimeBankMember,
    TimeBankRules,
)
from .rules import rules_get


@admin.register(TimeBankRules)
class TimeBankRulesAdmin(admin.ModelAdmin):
    """One row: the changelist goes straight to it; it can be neither added twice nor deleted."""

    readonly_fields = ("updated_at", "updated_by")
    fieldsets = (
        ("存储与记录", {"fields": ("storage_cap_minutes", "max_service_minutes")}),
        ("星级", {"fields": ("star1_minutes", "star2_minutes", "star3_minutes", "star4_minutes", "star5_minutes")}),
        ("赠与", {"fields": ("yearly_give_cap_minutes",)}),
        ("兑换", {"fields": ("redemption_age", "hardship_redemption_age", "max_redemption_minutes",
                           "redemption_hold_days")}),
        ("社区时间池", {"fields": ("key_elder_age", "elder_min_age", "pool_allotment_minutes")}),
        (None, {"fields": ("updated_at", "updated_by")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        rules = rules_get()
        return HttpResponseRedirect(reverse("admin:timebank_timebankrules_change", args=[rules.pk]))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TimeBankMember)
class TimeBankMemberAdmin(admin.ModelAdmin):
    list_display = ("display_name", "birth_year", "street", "lives_alone", "disabled", "minimum_living", "user")
    list_filter = ("street", "lives_alone", "disabled", "minimum_living", "hardship")
    search_fields = ("display_name", "user__email")
    readonly_fields = ("account_id", "user", "street", "created_at", "registered_by")
    raw_id_fields = ("region",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Movements of minutes are corrected by reversing transfers through the services, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EarnRecord)
class EarnRecordAdmin(ReadOnlyAdmin):
    list_display = ("idempotency_key", "member", "minutes", "credited_minutes", "donated_minutes", "street",
                    "service_date", "organisation_name")
    list_filter = ("street",)
    search_fields = ("idempotency_key", "member__display_name")


for model in (EarnReversal, Gift, PoolDonation, PoolAllotment, Redemption, TimeBankLink, Certificate):
    admin.site.register(model, ReadOnlyAdmin)
