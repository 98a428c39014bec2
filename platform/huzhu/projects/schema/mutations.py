"""Mutations of charity projects: parse ids → call one service → payload with `errors` (ProjectError codes)."""

from __future__ import annotations

from typing import Any

import graphene

from huzhu.graphql.core import BaseMutation, decode_id
from huzhu.graphql.scalars import Fen
from huzhu.matching import projects as matching
from huzhu.regions.schema import get_region

from .. import services
from .types import (
    AssignmentType,
    BeneficiaryGroupEnum,
    BudgetCategoryEnum,
    CharityProjectType,
    CriteriaSetType,
    DecisionOutcomeEnum,
    DecisionType,
    EvaluationType,
    FoundationType,
    FundProposalType,
    NeedCategoryEnum,
    OrganisationKindEnum,
    OrganisationType,
    ProjectError,
    RecommendationEnum,
    ReportType,
    ReviewType,
    SpendingType,
    TrancheType,
    value,
)

ERRORS = graphene.List(graphene.NonNull(ProjectError), required=True)


def _project(gid_value: str) -> int:
    return decode_id(gid_value, "CharityProject", field="projectId")


class CriterionInput(graphene.InputObjectType):
    class Meta:
        name = "ProjectCriterionInput"

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    weight = graphene.Int(required=True)
    max_score = graphene.Int(required=True)
    description = graphene.String()


class BudgetLineInput(graphene.InputObjectType):
    class Meta:
        name = "ProjectBudgetLineInput"

    name = graphene.String(required=True)
    category = BudgetCategoryEnum(required=True)
    amount_fen = Fen(required=True)
    note = graphene.String()


class MilestoneInput(graphene.InputObjectType):
    class Meta:
        name = "ProjectMilestoneInput"

    title = graphene.String(required=True)
    due_on = graphene.Date(required=True)
    tranche_fen = Fen(required=True, description="The grant instalment planned for this milestone (may be 0).")
    deliverables = graphene.String()


class ApplicationInput(graphene.InputObjectType):
    class Meta:
        name = "ProjectApplicationInput"

    organisation_id = graphene.ID(required=True)
    foundation_id = graphene.ID(required=True)
    name = graphene.String(required=True)
    summary = graphene.String()
    goals = graphene.String(required=True)
    category = NeedCategoryEnum(required=True)
    beneficiary_groups = graphene.List(graphene.NonNull(BeneficiaryGroupEnum), required=True)
    beneficiary_count = graphene.Int(required=True)
    region_id = graphene.ID(required=True)
    starts_on = graphene.Date(required=True)
    ends_on = graphene.Date(required=True)
    budget_lines = graphene.List(graphene.NonNull(BudgetLineInput), required=True)
    milestones = graphene.List(graphene.NonNull(MilestoneInput), required=True)


class ScoreInput(graphene.InputObjectType):
    class Meta:
        name = "ProjectScoreInput"

    code = graphene.String(required=True)
    score = graphene.Int(required=True)


class FoundationCreate(BaseMutation):
    class Arguments:
        name = graphene.String(required=True)
        region_id = graphene.ID(required=True)

    foundation = graphene.Field(FoundationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, name: str, region_id: str) -> Any:
        region = get_region(region_id, "regionId")
        return cls(foundation=services.foundation_create(actor=info.context.user, name=name, region_id=region.pk),
                   errors=[])


class FoundationFundDeposit(BaseMutation):
    """Grant budget into a foundation's fund (administrators)."""

    class Arguments:
        foundation_id = graphene.ID(required=True)
        amount_fen = Fen(required=True)
        idempotency_key = graphene.String(required=True)
        memo = graphene.String()

    foundation = graphene.Field(FoundationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, foundation_id: str, amount_fen: int, idempotency_key: str,
                memo: str | None = None) -> Any:
        deposit = services.foundation_fund_deposit(
            actor=info.context.user, foundation_id=decode_id(foundation_id, "Foundation", field="foundationId"),
            amount_fen=amount_fen, idempotency_key=idempotency_key, memo=memo or "")
        return cls(foundation=deposit.foundation, errors=[])


class CriteriaPublish(BaseMutation):
    class Arguments:
        foundation_id = graphene.ID(required=True)
        name = graphene.String(required=True)
        criteria = graphene.List(graphene.NonNull(CriterionInput), required=True)

    criteria_set = graphene.Field(CriteriaSetType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, foundation_id: str, name: str, criteria: list[Any]) -> Any:
        rows = [services.CriterionInput(code=c.code, name=c.name, weight=c.weight, max_score=c.max_score,
                                        description=c.description or "") for c in criteria]
        return cls(criteria_set=services.criteria_publish(
            actor=info.context.user, foundation_id=decode_id(foundation_id, "Foundation", field="foundationId"),
            name=name, criteria=rows), errors=[])


class OrganisationCreate(BaseMutation):
    class Arguments:
        name = graphene.String(required=True)
        kind = OrganisationKindEnum(required=True)
        region_id = graphene.ID(description="For a social organisation: where it works.")
        workstation_id = graphene.ID(description="For a workstation.")
        credit_code = graphene.String()
        manager_id = graphene.ID(description="Its first manager (a User id); default: you.")

    organisation = graphene.Field(OrganisationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, name: str, kind: Any, region_id: str | None = None,
                workstation_id: str | None = None, credit_code: str | None = None,
                manager_id: str | None = None) -> Any:
        organisation = services.organisation_create(
            actor=info.context.user, name=name, kind=value(kind),
            region_id=get_region(region_id, "regionId").pk if region_id else None,
            workstation_id=decode_id(workstation_id, "Workstation", field="workstationId") if workstation_id else None,
            credit_code=credit_code or "",
            manager_id=decode_id(manager_id, "User", field="managerId") if manager_id else None)
        return cls(organisation=organisation, errors=[])


class OrganisationMemberAdd(BaseMutation):
    class Arguments:
        organisation_id = graphene.ID(required=True)
        user_id = graphene.ID(description="The member's User id; or give their email.")
        email = graphene.String(description="The email the member signed up with (when no userId is given).")
        manager = graphene.Boolean(default_value=False)

    organisation = graphene.Field(OrganisationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, organisation_id: str, user_id: str | None = None, email: str | None = None,
                manager: bool = False) -> Any:
        member = services.organisation_member_add(
            actor=info.context.user,
            organisation_id=decode_id(organisation_id, "ProjectOrganisation", field="organisationId"),
            user_id=decode_id(user_id, "User", field="userId") if user_id else None, email=email,
            role="manager" if manager else "member")
        return cls(organisation=member.organisation, errors=[])


def _application(data: Any) -> services.ApplicationInput:
    return services.ApplicationInput(
        organisation_id=decode_id(data.organisation_id, "ProjectOrganisation", field="organisationId"),
        foundation_id=decode_id(data.foundation_id, "Foundation", field="foundationId"),
        name=data.name, summary=data.summary or "", goals=data.goals, category=value(data.category),
        beneficiary_groups=[value(g) for g in data.beneficiary_groups], beneficiary_count=data.beneficiary_count,
        region_id=decode_id(data.region_id, "Region", field="regionId"), starts_on=data.starts_on,
        ends_on=data.ends_on,
        budget_lines=[services.BudgetLineInput(name=b.name, category=value(b.category), amount_fen=b.amount_fen,
                                               note=b.note or "") for b in data.budget_lines],
        milestones=[services.MilestoneInput(title=m.title, due_on=m.due_on, tranche_fen=m.tranche_fen,
                                            deliverables=m.deliverables or "") for m in data.milestones],
    )


class ApplicationSave(BaseMutation):
    """Create a draft (no projectId) or replace a draft / returned application."""

    class Arguments:
        project_id = graphene.ID()
        input = ApplicationInput(required=True)

    project = graphene.Field(CharityProjectType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, input: Any, project_id: str | None = None) -> Any:
        project = services.application_save(actor=info.context.user, data=_application(input),
                                            project_id=_project(project_id) if project_id else None)
        return cls(project=project, errors=[])


class ApplicationSubmit(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)

    project = graphene.Field(CharityProjectType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str) -> Any:
        return cls(project=services.application_submit(actor=info.context.user, project_id=_project(project_id)),
                   errors=[])


class ApplicationWithdraw(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)
        reason = graphene.String()

    project = graphene.Field(CharityProjectType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str, reason: str | None = None) -> Any:
        return cls(project=services.application_withdraw(actor=info.context.user, project_id=_project(project_id),
                                                         reason=reason or ""), errors=[])


class ReviewerAssign(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)
        reviewer_id = graphene.ID(required=True, description="A User id.")

    assignment = graphene.Field(AssignmentType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str, reviewer_id: str) -> Any:
        return cls(assignment=services.reviewer_assign(
            actor=info.context.user, project_id=_project(project_id),
            reviewer_id=decode_id(reviewer_id, "User", field="reviewerId")), errors=[])


class ConflictDeclare(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)
        reason = graphene.String(required=True)
        reviewer_id = graphene.ID(description="Declare for one of the foundation's reviewers (default: yourself).")

    ok = graphene.Boolean()
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str, reason: str, reviewer_id: str | None = None) -> Any:
        services.conflict_declare(actor=info.context.user, project_id=_project(project_id), reason=reason,
                                  reviewer_id=decode_id(reviewer_id, "User", field="reviewerId") if reviewer_id
                                  else None)
        return cls(ok=True, errors=[])


class ReviewSubmit(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)
        scores = graphene.List(graphene.NonNull(ScoreInput), required=True)
        recommendation = RecommendationEnum(required=True)
        comment = graphene.String()

    review = graphene.Field(ReviewType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str, scores: list[Any], recommendation: Any,
                comment: str | None = None) -> Any:
        by_code: dict[str, int] = {}
        for s in scores:
            if s.code in by_code:  # a criterion scored twice: not a valid score sheet
                by_code = {}
                break
            by_code[s.code] = s.score
        return cls(review=services.review_submit(
            actor=info.context.user, project_id=_project(project_id), scores=by_code,
            recommendation=value(recommendation), comment=comment or ""), errors=[])


class DecisionMake(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)
        outcome = DecisionOutcomeEnum(required=True)
        reasons = graphene.String(required=True)
        amount_fen = Fen(description="The grant, for outcome APPROVE.")

    decision = graphene.Field(DecisionType)
    project = graphene.Field(CharityProjectType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str, outcome: Any, reasons: str, amount_fen: int | None = None) -> Any:
        decision = services.decision_make(actor=info.context.user, project_id=_project(project_id),
                                          outcome=value(outcome), reasons=reasons, amount_fen=amount_fen or 0)
        return cls(decision=decision, project=decision.project, errors=[])


class TrancheRelease(BaseMutation):
    """Pay a tranche whose milestone report was approved."""

    class Arguments:
        tranche_id = graphene.ID(required=True)

    tranche = graphene.Field(TrancheType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, tranche_id: str) -> Any:
        return cls(tranche=services.tranche_release(
            actor=info.context.user, tranche_id=decode_id(tranche_id, "ProjectTranche", field="trancheId")),
            errors=[])


class MilestoneReportSubmit(BaseMutation):
    class Arguments:
        milestone_id = graphene.ID(required=True)
        narrative = graphene.String(required=True)
        households_served = graphene.Int(default_value=0)
        service_minutes = graphene.Int(default_value=0)
        goods_items = graphene.Int(default_value=0)
        goods_description = graphene.String()

    report = graphene.Field(ReportType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, milestone_id: str, narrative: str, households_served: int = 0,
                service_minutes: int = 0, goods_items: int = 0, goods_description: str | None = None) -> Any:
        return cls(report=services.milestone_report_submit(
            actor=info.context.user, milestone_id=decode_id(milestone_id, "ProjectMilestone", field="milestoneId"),
            narrative=narrative, households_served=households_served, service_minutes=service_minutes,
            goods_items=goods_items, goods_description=goods_description or ""), errors=[])


class _ReportReview(BaseMutation):
    class Meta:
        abstract = True

    approve = True

    class Arguments:
        report_id = graphene.ID(required=True)
        note = graphene.String()

    report = graphene.Field(ReportType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, report_id: str, note: str | None = None) -> Any:
        return cls(report=services.milestone_report_review(
            actor=info.context.user, report_id=decode_id(report_id, "ProjectMilestoneReport", field="reportId"),
            approve=cls.approve, note=note or ""), errors=[])


class MilestoneReportApprove(_ReportReview):
    approve = True


class MilestoneReportReturn(_ReportReview):
    """Send a report back with a note (required)."""

    approve = False


class SpendingRecord(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)
        budget_line_id = graphene.ID(required=True)
        amount_fen = Fen(required=True)
        spent_on = graphene.Date(required=True)
        memo = graphene.String()
        idempotency_key = graphene.String(required=True)

    spending = graphene.Field(SpendingType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str, budget_line_id: str, amount_fen: int, spent_on: Any,
                idempotency_key: str, memo: str | None = None) -> Any:
        return cls(spending=services.spending_record(
            actor=info.context.user, project_id=_project(project_id),
            budget_line_id=decode_id(budget_line_id, "ProjectBudgetLine", field="budgetLineId"),
            amount_fen=amount_fen, spent_on=spent_on, idempotency_key=idempotency_key, memo=memo or ""), errors=[])


class EvaluationSubmit(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)
        rating = graphene.Int(required=True, description="1..5")
        summary = graphene.String(required=True)

    evaluation = graphene.Field(EvaluationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str, rating: int, summary: str) -> Any:
        return cls(evaluation=services.evaluation_submit(actor=info.context.user, project_id=_project(project_id),
                                                         rating=rating, summary=summary), errors=[])


class ProjectClose(BaseMutation):
    class Arguments:
        project_id = graphene.ID(required=True)
        completed = graphene.Boolean(required=True, description="true: 结项 (completed); false: 终止 (closed early).")
        reason = graphene.String(required=True)

    project = graphene.Field(CharityProjectType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str, completed: bool, reason: str) -> Any:
        return cls(project=services.project_close(actor=info.context.user, project_id=_project(project_id),
                                                  completed=completed, reason=reason), errors=[])


def _proposal(gid_value: str) -> int:
    return decode_id(gid_value, "ProjectFundProposal", field="proposalId")


class ProjectFundPropose(BaseMutation):
    """Run project-level matching for one project now (the nightly job runs it for every open project)."""

    class Arguments:
        project_id = graphene.ID(required=True)

    proposals = graphene.List(graphene.NonNull(FundProposalType), required=True)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, project_id: str) -> Any:
        return cls(proposals=matching.propose_funds_for_project(project_id=_project(project_id),
                                                                actor=info.context.user), errors=[])


class ProjectFundProposalAccept(BaseMutation):
    class Arguments:
        proposal_id = graphene.ID(required=True)

    proposal = graphene.Field(FundProposalType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, proposal_id: str) -> Any:
        return cls(proposal=matching.fund_proposal_accept(actor=info.context.user, proposal_id=_proposal(proposal_id)),
                   errors=[])


class ProjectFundProposalReject(BaseMutation):
    class Arguments:
        proposal_id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    proposal = graphene.Field(FundProposalType)
    next_proposals = graphene.List(graphene.NonNull(FundProposalType), required=True)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, proposal_id: str, reason: str) -> Any:
        proposal, following = matching.fund_proposal_reject(actor=info.context.user,
                                                            proposal_id=_proposal(proposal_id), reason=reason)
        return cls(proposal=proposal, next_proposals=following, errors=[])


class Mutation(graphene.ObjectType):
    foundation_create = FoundationCreate.Field()
    foundation_fund_deposit = FoundationFundDeposit.Field()
    criteria_publish = CriteriaPublish.Field()
    organisation_create = OrganisationCreate.Field()
    organisation_member_add = OrganisationMemberAdd.Field()
    application_save = ApplicationSave.Field()
    application_submit = ApplicationSubmit.Field()
    application_withdraw = ApplicationWithdraw.Field()
    reviewer_assign = ReviewerAssign.Field()
    conflict_declare = ConflictDeclare.Field()
    review_submit = ReviewSubmit.Field()
    decision_make = DecisionMake.Field()
    tranche_release = TrancheRelease.Field()
    milestone_report_submit = MilestoneReportSubmit.Field()
    milestone_report_approve = MilestoneReportApprove.Field()
    milestone_report_return = MilestoneReportReturn.Field()
    spending_record = SpendingRecord.Field()
    evaluation_submit = EvaluationSubmit.Field()
    project_close = ProjectClose.Field()
    project_fund_propose = ProjectFundPropose.Field()
    project_fund_proposal_accept = ProjectFundProposalAccept.Field()
    project_fund_proposal_reject = ProjectFundProposalReject.Field()
