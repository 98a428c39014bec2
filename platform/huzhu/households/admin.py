"""Admin for households. Personal data is deliberately absent: it is only ever decrypted through
services.personal_data_read, which writes the audit row; the admin shows the audit log read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Household, HouseholdMember, Need, NeedStatusChange, PersonalDataAccess, Visit


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("id", "region", "category", "economic_check_status", "possible_duplicate", "created_at")
    list_filter = ("category", "economic_check_status", "possible_duplicate")
    raw_id_fields = ("region", "registered_by")
    inlines = [HouseholdMemberInline]


class NeedStatusChangeInline(admin.TabularInline):
    model = NeedStatusChange
    extra = 0
    readonly_fields = ("actor", "at", "from_status", "to_status", "note")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "kind", "urgent", "status", "opened_at")
    list_filter = ("kind", "urgent", "status")
    raw_id_fields = ("household", "created_by")
    readonly_fields = ("status",)  # status changes go through services.need_set_status (history, events)
    inlines = [NeedStatusChangeInline]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "visitor", "visited_at")
    raw_id_fields = ("household", "visitor")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "household", "operation", "fields", "purpose")
    list_filter = ("operation",)
    search_fields = ("purpose",)
    raw_id_fields = ("actor", "household")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
