from django.contrib import admin

from .models import (
    Attendance,
    GroupReservation,
    MinutesChange,
    MonthlyVisit,
    ServiceTask,
    Suspension,
    TaskClaim,
    TaskStatusChange,
    VolunteeringRules,
)


class ReadOnly(admin.ModelAdmin):
    """Writes go through the services (their rules, their events): the admin only reads."""

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(ServiceTask)
class ServiceTaskAdmin(ReadOnly):
    list_display = ("id", "title", "service_type", "status", "region", "starts_at", "slots", "slots_left", "urgent")
    list_filter = ("status", "service_type", "urgent", "source")
    search_fields = ("title",)


@admin.register(VolunteeringRules)
class VolunteeringRulesAdmin(ReadOnly):
    list_display = ("withdrawal_cutoff_hours", "max_hours_per_week", "no_show_limit", "suspension_days",
                    "checkout_tolerance_minutes", "updated_at")


for model in (TaskStatusChange, GroupReservation, TaskClaim, Attendance, MinutesChange, Suspension, MonthlyVisit):
    admin.site.register(model, ReadOnly)
