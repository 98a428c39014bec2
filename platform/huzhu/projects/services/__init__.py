"""Writes of charity projects (each in one transaction; a ProjectError means nothing was written).

Foundations and organisations:
    foundation_create(*, actor, name, region_id) -> Foundation
    foundation_fund_deposit(*, actor, foundation_id, amount_fen, idempotency_key, memo="") -> FoundationDeposit
    criteria_publish(*, actor, foundation_id, name, criteria: list[CriterionInput]) -> CriteriaSet
    organisation_create(*, actor, name, kind, region_id=None, workstation_id=None, credit_code="", manager_id=None)
    organisation_member_add(*, actor, organisation_id, user_id=None, email=None, role="member")
Applications:
    application_save(*, actor, data: ApplicationInput, project_id=None) -> CharityProject
    application_submit(*, actor, project_id) / application_withdraw(*, actor, project_id, reason="")
    attachment_add(*, actor, project_id, upload, report_id=None) -> ProjectAttachment
Review:
    reviewer_assign(*, actor, project_id, reviewer_id)
    conflict_declare(*, actor, project_id, reason, reviewer_id=None)
    review_submit(*, actor, project_id, scores: dict[code, int], recommendation, comment="")
    decision_make(*, actor, project_id, outcome, reasons, amount_fen=0) -> Decision
Grants, money and monitoring:
    tranche_release(*, actor, tranche_id) -> Tranche
    spending_record(*, actor, project_id, budget_line_id, amount_fen, spent_on, idempotency_key, memo="")
    project_donations_receive(*, project, actor=None) -> int   (giving:used:project:<id> → project account)
    project_close(*, actor, project_id, completed, reason)
    milestone_report_submit(*, actor, milestone_id, narrative, households_served=0, service_minutes=0,
                            goods_items=0, goods_description="")
    milestone_report_review(*, actor, report_id, approve, note="")
    evaluation_submit(*, actor, project_id, rating, summary)
Project-level fund matching (propose, accept, reject) lives in huzhu.matching.projects.
"""

from .applications import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    ApplicationInput,
    BudgetLineInput,
    MilestoneInput,
    application_save,
    application_submit,
    application_withdraw,
    attachment_add,
)
from .foundations import (
    CriterionInput,
    criteria_publish,
    foundation_create,
    foundation_fund_deposit,
    organisation_create,
    organisation_member_add,
)
from .grants import line_spent, project_close, project_donations_receive, spending_record, tranche_release
from .monitoring import evaluation_submit, milestone_report_review, milestone_report_submit
from .reviews import conflict_declare, decision_make, review_submit, reviewer_assign, split_tranches, weighted_total

__all__ = [
    "ATTACHMENT_TYPES", "MAX_ATTACHMENT_BYTES", "ApplicationInput", "BudgetLineInput", "CriterionInput",
    "MilestoneInput", "application_save", "application_submit", "application_withdraw", "attachment_add",
    "conflict_declare", "criteria_publish", "decision_make", "evaluation_submit", "foundation_create",
    "foundation_fund_deposit", "line_spent", "milestone_report_review", "milestone_report_submit",
    "organisation_create", "organisation_member_add", "project_close", "project_donations_receive",
    "review_submit", "reviewer_assign", "spending_record", "split_tranches", "tranche_release", "weighted_total",
]
