"""Admin: read-only views. Projects, money and the audit trail change only through the services."""

from django.contrib import admin

from .models import (
    CharityProject,
    Foundation,
    FoundationDeposit,
    MilestoneReport,
    Organisation,
    ProjectEvent,
    ProjectFundProposal,
    Spending,
    Tranche,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[override]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[override]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[override]
        return False


@admin.register(Foundation)
class FoundationAdmin(ReadOnly):
    list_display = ("name", "region", "ledger_account_id", "created_at")


@admin.register(FoundationDeposit)
class FoundationDepositAdmin(ReadOnly):
    list_display = ("foundation", "amount_fen", "memo", "created_by", "created_at")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnly):
    list_display = ("name", "kind", "region", "credit_code")
    search_fields = ("name",)


@admin.register(CharityProject)
class CharityProjectAdmin(ReadOnly):
    list_display = ("name", "organisation", "foundation", "region", "status", "requested_fen", "approved_fen")
    list_filter = ("status", "category")
    search_fields = ("name",)


@admin.register(Tranche)
class TrancheAdmin(ReadOnly):
    list_display = ("project", "milestone", "amount_fen", "status", "released_at")
    list_filter = ("status",)


@admin.register(Spending)
class SpendingAdmin(ReadOnly):
    list_display = ("project", "budget_line", "amount_fen", "spent_on", "recorded_by")


@admin.register(MilestoneReport)
class MilestoneReportAdmin(ReadOnly):
    list_display = ("project", "milestone", "status", "households_served", "submitted_at")
    list_filter = ("status",)


@admin.register(ProjectFundProposal)
class ProjectFundProposalAdmin(ReadOnly):
    list_display = ("project", "fund_key", "amount_fen", "score", "status", "created_at")
    list_filter = ("status",)


@admin.register(ProjectEvent)
class ProjectEventAdmin(ReadOnly):
    list_display = ("project", "kind", "actor", "at")
    list_filter = ("kind",)
