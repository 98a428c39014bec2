"""GraphQL types of charity projects. Money is Fen (a string of digits); ids are relay global ids.

Visibility is by construction: a CharityProject node is only ever resolved through selectors (scoped), and the
fields that name people or scores (reviews, assignments) are shown only to the foundation side.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphene_django import DjangoObjectType
from graphene_django.fields import DjangoConnectionField

from huzhu.giving.schema.types import NeedCategoryEnum
from huzhu.graphql.core import CountableConnection, enum_from_choices, error_type, gid
from huzhu.graphql.scalars import Fen
from huzhu.people.models import User
from huzhu.regions.schema import RegionType

from .. import selectors
from ..errors import ProjectErrorCode
from ..models import (
    BeneficiaryGroup,
    BudgetLine,
    CharityProject,
    CriteriaSet,
    Criterion,
    Decision,
    Evaluation,
    Foundation,
    Milestone,
    MilestoneReport,
    Organisation,
    OrganisationMember,
    ProjectAttachment,
    ProjectEvent,
    ProjectFundProposal,
    Review,
    ReviewAssignment,
    ReviewScore,
    Spending,
    Tranche,
)
from ..services.common import can_manage_foundation, is_member

ProjectErrorCodeEnum = enum_from_choices("ProjectErrorCode", ProjectErrorCode)
ProjectError = error_type("ProjectError", ProjectErrorCodeEnum)
ProjectStatusEnum = enum_from_choices("CharityProjectStatus", CharityProject.Status)
BeneficiaryGroupEnum = enum_from_choices("ProjectBeneficiaryGroup", BeneficiaryGroup)
BudgetCategoryEnum = enum_from_choices("ProjectBudgetCategory", BudgetLine.Category)
OrganisationKindEnum = enum_from_choices("ProjectOrganisationKind", Organisation.Kind)
OrganisationMemberRoleEnum = enum_from_choices("ProjectOrganisationMemberRole", OrganisationMember.Role)
RecommendationEnum = enum_from_choices("ProjectReviewRecommendation", Review.Recommendation)
DecisionOutcomeEnum = enum_from_choices("ProjectDecisionOutcome", Decision.Outcome)
TrancheStatusEnum = enum_from_choices("ProjectTrancheStatus", Tranche.Status)
ReportStatusEnum = enum_from_choices("ProjectReportStatus", MilestoneReport.Status)
EventKindEnum = enum_from_choices("ProjectEventKind", ProjectEvent.Kind)
FundProposalStatusEnum = enum_from_choices("ProjectFundProposalStatus", ProjectFundProposal.Status)
AssignmentStatusEnum = enum_from_choices("ProjectAssignmentStatus", ReviewAssignment.Status)


def plain(choice: Any) -> Any:
    return None if choice is None or choice == "" else str(getattr(choice, "value", choice))


def value(enum_value: Any) -> Any:
    return getattr(enum_value, "value", enum_value)


def viewer(info: Any) -> User:
    return info.context.user


class PersonType(graphene.ObjectType):
    """A person as other users see them: an id and a display name, never contact data."""

    class Meta:
        name = "ProjectPerson"

    id = graphene.ID(required=True)
    display_name = graphene.String(required=True)

    @staticmethod
    def of(user: User | None) -> PersonType | None:
        if user is None:
            return None
        return PersonType(id=gid("User", user.pk), display_name=user.display_name or _("用户%(id)s") % {"id": user.pk})


class CriterionType(DjangoObjectType):
    class Meta:
        model = Criterion
        name = "ProjectCriterion"
        fields = ("code", "name", "description", "weight", "max_score", "position")


class CriteriaSetType(DjangoObjectType):
    criteria = graphene.List(graphene.NonNull(CriterionType), required=True)

    class Meta:
        model = CriteriaSet
        name = "ProjectCriteriaSet"
        fields = ("id", "name", "published_at")

    def resolve_criteria(root: CriteriaSet, _info: Any) -> Any:
        return root.criteria.all()


class FoundationType(DjangoObjectType):
    region = graphene.Field(RegionType, required=True)
    criteria = graphene.Field(CriteriaSetType, description="The published criteria reviews are scored against.")
    balance_fen = graphene.Field(Fen, description="Posted balance of its fund (the foundation side only).")
    available_fen = graphene.Field(Fen, description="Not yet committed to grants (the foundation side only).")
    reviewers = graphene.List(graphene.NonNull(PersonType), description="The foundation side only.")

    class Meta:
        model = Foundation
        name = "Foundation"
        fields = ("id", "name", "created_at")
        interfaces = (graphene.relay.Node,)

    @classmethod
    def get_node(cls, info: Any, id: Any) -> Any:
        return Foundation.objects.select_related("region").filter(pk=id).first()

    def resolve_criteria(root: Foundation, _info: Any) -> Any:
        return CriteriaSet.objects.filter(foundation=root, active=True).first()

    def resolve_balance_fen(root: Foundation, info: Any) -> int | None:
        return selectors.foundation_balance(root).posted if can_manage_foundation(viewer(info), root) else None

    def resolve_available_fen(root: Foundation, info: Any) -> int | None:
        return selectors.foundation_balance(root).available if can_manage_foundation(viewer(info), root) else None

    def resolve_reviewers(root: Foundation, info: Any) -> list[PersonType] | None:
        if not can_manage_foundation(viewer(info), root):
            return None
        return [p for p in (PersonType.of(u) for u in selectors.reviewers_of(root)) if p is not None]


class OrganisationType(DjangoObjectType):
    kind = graphene.Field(OrganisationKindEnum, required=True)
    region = graphene.Field(RegionType, required=True)

    class Meta:
        model = Organisation
        name = "ProjectOrganisation"
        fields = ("id", "name", "credit_code", "created_at")
        interfaces = (graphene.relay.Node,)

    @classmethod
    def get_node(cls, info: Any, id: Any) -> Any:
        return selectors.organisation_list(actor=viewer(info)).filter(pk=id).first()

    def resolve_kind(root: Organisation, _info: Any) -> str:
        return plain(root.kind)


class OrganisationMemberType(graphene.ObjectType):
    """A member of an applying organisation, as its members and its region's staff see them."""

    class Meta:
        name = "ProjectOrganisationMember"

    user_id = graphene.ID(required=True, description="The member's User id.")
    display_name = graphene.String(required=True)
    email = graphene.String(required=True)
    role = graphene.Field(OrganisationMemberRoleEnum, required=True)
    added_at = graphene.DateTime(required=True)

    def resolve_user_id(root: OrganisationMember, _info: Any) -> str:
        return gid("User", root.user_id)

    def resolve_display_name(root: OrganisationMember, _info: Any) -> str:
        return root.user.display_name or root.user.email

    def resolve_email(root: OrganisationMember, _info: Any) -> str:
        return root.user.email

    def resolve_role(root: OrganisationMember, _info: Any) -> str:
        return plain(root.role)


class BudgetLineType(DjangoObjectType):
    category = graphene.Field(BudgetCategoryEnum, required=True)
    amount_fen = graphene.Field(Fen, required=True)

    class Meta:
        model = BudgetLine
        name = "ProjectBudgetLine"
        fields = ("id", "position", "name", "note")
        interfaces = (graphene.relay.Node,)

    def resolve_category(root: BudgetLine, _info: Any) -> str:
        return plain(root.category)


class TrancheType(DjangoObjectType):
    amount_fen = graphene.Field(Fen, required=True)
    status = graphene.Field(TrancheStatusEnum, required=True)
    milestone_title = graphene.String(required=True)

    class Meta:
        model = Tranche
        name = "ProjectTranche"
        fields = ("id", "released_at", "canceled_at", "created_at")
        interfaces = (graphene.relay.Node,)

    def resolve_status(root: Tranche, _info: Any) -> str:
        return plain(root.status)

    def resolve_milestone_title(root: Tranche, _info: Any) -> str:
        return root.milestone.title


class MilestoneType(DjangoObjectType):
    planned_tranche_fen = graphene.Field(Fen, required=True)
    tranche = graphene.Field(TrancheType)

    class Meta:
        model = Milestone
        name = "ProjectMilestone"
        fields = ("id", "position", "title", "due_on", "deliverables")
        interfaces = (graphene.relay.Node,)

    def resolve_tranche(root: Milestone, _info: Any) -> Any:
        return getattr(root, "tranche", None)


class ReportType(DjangoObjectType):
    status = graphene.Field(ReportStatusEnum, required=True)
    milestone_id = graphene.ID(required=True)
    milestone_title = graphene.String(required=True)
    submitted_by = graphene.Field(PersonType, required=True)

    class Meta:
        model = MilestoneReport
        name = "ProjectMilestoneReport"
        fields = ("id", "narrative", "households_served", "service_minutes", "goods_items", "goods_description",
                  "reviewed_at", "review_note", "submitted_at")
        interfaces = (graphene.relay.Node,)

    def resolve_status(root: MilestoneReport, _info: Any) -> str:
        return plain(root.status)

    def resolve_milestone_id(root: MilestoneReport, _info: Any) -> str:
        return gid("ProjectMilestone", root.milestone_id)

    def resolve_milestone_title(root: MilestoneReport, _info: Any) -> str:
        return root.milestone.title

    def resolve_submitted_by(root: MilestoneReport, _info: Any) -> Any:
        return PersonType.of(root.submitted_by)


class ScoreType(graphene.ObjectType):
    class Meta:
        name = "ProjectReviewScore"

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    score = graphene.Int(required=True)
    max_score = graphene.Int(required=True)


class ReviewType(DjangoObjectType):
    recommendation = graphene.Field(RecommendationEnum, required=True)
    reviewer = graphene.Field(PersonType, required=True)
    scores = graphene.List(graphene.NonNull(ScoreType), required=True)

    class Meta:
        model = Review
        name = "ProjectReview"
        fields = ("id", "round", "total_score", "comment", "submitted_at")
        interfaces = (graphene.relay.Node,)

    def resolve_recommendation(root: Review, _info: Any) -> str:
        return plain(root.recommendation)

    def resolve_reviewer(root: Review, _info: Any) -> Any:
        return PersonType.of(root.reviewer)

    def resolve_scores(root: Review, _info: Any) -> list[ScoreType]:
        rows: Any = ReviewScore.objects.filter(review=root).select_related("criterion")
        return [ScoreType(code=s.criterion.code, name=s.criterion.name, score=s.score, max_score=s.criterion.max_score)
                for s in rows]


class AssignmentType(DjangoObjectType):
    status = graphene.Field(AssignmentStatusEnum, required=True)
    reviewer = graphene.Field(PersonType, required=True)

    class Meta:
        model = ReviewAssignment
        name = "ProjectReviewAssignment"
        fields = ("id", "assigned_at")

    def resolve_status(root: ReviewAssignment, _info: Any) -> str:
        return plain(root.status)

    def resolve_reviewer(root: ReviewAssignment, _info: Any) -> Any:
        return PersonType.of(root.reviewer)


class DecisionType(DjangoObjectType):
    outcome = graphene.Field(DecisionOutcomeEnum, required=True)
    amount_fen = graphene.Field(Fen, required=True)

    class Meta:
        model = Decision
        name = "ProjectDecision"
        fields = ("id", "round", "reasons", "decided_at")

    def resolve_outcome(root: Decision, _info: Any) -> str:
        return plain(root.outcome)


class SpendingType(DjangoObjectType):
    amount_fen = graphene.Field(Fen, required=True)
    budget_line_id = graphene.ID(required=True)

    class Meta:
        model = Spending
        name = "ProjectSpending"
        fields = ("id", "spent_on", "memo", "created_at")
        interfaces = (graphene.relay.Node,)

    def resolve_budget_line_id(root: Spending, _info: Any) -> str:
        return gid("ProjectBudgetLine", root.budget_line_id)


class EvaluationType(DjangoObjectType):
    evaluator = graphene.Field(PersonType, required=True)

    class Meta:
        model = Evaluation
        name = "ProjectEvaluation"
        fields = ("id", "rating", "summary", "submitted_at")

    def resolve_evaluator(root: Evaluation, _info: Any) -> Any:
        return PersonType.of(root.evaluator)


class AttachmentType(DjangoObjectType):
    url = graphene.String(required=True, description="Download link (the same access as the project).")

    class Meta:
        model = ProjectAttachment
        name = "ProjectAttachment"
        fields = ("id", "name", "content_type", "size", "uploaded_at")

    def resolve_url(root: ProjectAttachment, _info: Any) -> str:
        return f"/projects/attachments/{root.pk}"


class EventType(DjangoObjectType):
    kind = graphene.Field(EventKindEnum, required=True)
    kind_label = graphene.String(required=True)
    actor = graphene.Field(PersonType)
    data = graphene.JSONString(required=True)

    class Meta:
        model = ProjectEvent
        name = "ProjectAuditEvent"
        fields = ("id", "at")

    def resolve_kind(root: ProjectEvent, _info: Any) -> str:
        return plain(root.kind)

    def resolve_kind_label(root: ProjectEvent, _info: Any) -> str:
        return str(ProjectEvent.Kind(root.kind).label)

    def resolve_actor(root: ProjectEvent, _info: Any) -> Any:
        return PersonType.of(root.actor)


class FundingType(graphene.ObjectType):
    class Meta:
        name = "ProjectFunding"

    budget_total_fen = graphene.Field(Fen, required=True)
    requested_fen = graphene.Field(Fen, required=True)
    grant_fen = graphene.Field(Fen, required=True, description="Approved grant minus cancelled tranches.")
    released_fen = graphene.Field(Fen, required=True)
    committed_fen = graphene.Field(Fen, required=True)
    donations_fen = graphene.Field(Fen, required=True)
    balance_fen = graphene.Field(Fen, required=True)
    spent_fen = graphene.Field(Fen, required=True)
    proposed_fen = graphene.Field(Fen, required=True)
    gap_fen = graphene.Field(Fen, required=True)


def _funding(project: CharityProject) -> selectors.Funding:
    cached = getattr(project, "_funding", None)
    if cached is None:
        cached = selectors.funding_of(project)
        project._funding = cached  # type: ignore[attr-defined]
    return cached


class CharityProjectType(DjangoObjectType):
    status = graphene.Field(ProjectStatusEnum, required=True)
    category = graphene.Field(NeedCategoryEnum, required=True)
    beneficiary_groups = graphene.List(graphene.NonNull(BeneficiaryGroupEnum), required=True)
    region = graphene.Field(RegionType, required=True)
    foundation = graphene.Field(FoundationType, required=True)
    organisation = graphene.Field(OrganisationType, required=True)
    requested_fen = graphene.Field(Fen, required=True)
    budget_total_fen = graphene.Field(Fen, required=True)
    approved_fen = graphene.Field(Fen, required=True)
    funding = graphene.Field(FundingType, required=True)
    budget_lines = graphene.List(graphene.NonNull(BudgetLineType), required=True)
    milestones = graphene.List(graphene.NonNull(MilestoneType), required=True)
    tranches = graphene.List(graphene.NonNull(TrancheType), required=True)
    decisions = graphene.List(graphene.NonNull(DecisionType), required=True)
    reports = graphene.List(graphene.NonNull(ReportType), required=True)
    spendings = graphene.List(graphene.NonNull(SpendingType), required=True)
    evaluations = graphene.List(graphene.NonNull(EvaluationType), required=True)
    attachments = graphene.List(graphene.NonNull(AttachmentType), required=True)
    reviews = graphene.List(graphene.NonNull(ReviewType), description="The foundation side only (else null).")
    assignments = graphene.List(graphene.NonNull(AssignmentType), description="The foundation side only.")
    events = graphene.List(graphene.NonNull(EventType), required=True, description="The audit trail.")
    disclosure_url = graphene.String(description="The public disclosure page, once the project is approved.")
    viewer_is_member = graphene.Boolean(required=True)
    viewer_acts_for_foundation = graphene.Boolean(required=True,
                                                  description="May review-side act: no conflict of interest.")

    class Meta:
        model = CharityProject
        name = "CharityProject"
        fields = ("id", "name", "summary", "goals", "beneficiary_count", "starts_on", "ends_on", "review_round",
                  "created_at", "submitted_at", "decided_at", "closed_at")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    @classmethod
    def get_node(cls, info: Any, id: Any) -> Any:
        return selectors.project_list(actor=viewer(info)).filter(pk=id).first()

    def resolve_status(root: CharityProject, _info: Any) -> str:
        return plain(root.status)

    def resolve_category(root: CharityProject, _info: Any) -> str:
        return plain(root.category)

    def resolve_beneficiary_groups(root: CharityProject, _info: Any) -> list[str]:
        return list(root.beneficiary_groups or [])

    def resolve_funding(root: CharityProject, _info: Any) -> Any:
        f = _funding(root)
        return FundingType(**{name: getattr(f, name) for name in (
            "budget_total_fen", "requested_fen", "grant_fen", "released_fen", "committed_fen", "donations_fen",
            "balance_fen", "spent_fen", "proposed_fen", "gap_fen")})

    def resolve_budget_lines(root: CharityProject, _info: Any) -> Any:
        return root.budget_lines.all()

    def resolve_milestones(root: CharityProject, _info: Any) -> Any:
        return root.milestones.all()

    def resolve_tranches(root: CharityProject, _info: Any) -> Any:
        return Tranche.objects.filter(project=root).select_related("milestone")

    def resolve_decisions(root: CharityProject, _info: Any) -> Any:
        return root.decisions.all()

    def resolve_reports(root: CharityProject, _info: Any) -> Any:
        return root.reports.select_related("milestone", "submitted_by").order_by("milestone__position", "id")

    def resolve_spendings(root: CharityProject, _info: Any) -> Any:
        return root.spendings.all()

    def resolve_evaluations(root: CharityProject, _info: Any) -> Any:
        return root.evaluations.select_related("evaluator").order_by("submitted_at")

    def resolve_attachments(root: CharityProject, _info: Any) -> Any:
        return root.attachments.order_by("uploaded_at", "id")

    def resolve_reviews(root: CharityProject, info: Any) -> Any:
        if not selectors.can_see_reviews(viewer(info), root):
            return None
        return root.reviews.select_related("reviewer").order_by("round", "submitted_at")

    def resolve_assignments(root: CharityProject, info: Any) -> Any:
        if not selectors.can_see_reviews(viewer(info), root):
            return None
        return root.assignments.select_related("reviewer").order_by("assigned_at")

    def resolve_events(root: CharityProject, info: Any) -> Any:
        return selectors.events_of(actor=viewer(info), project=root)

    def resolve_disclosure_url(root: CharityProject, _info: Any) -> str | None:
        return f"/projects/{root.pk}/disclosure" if root.status in selectors.PUBLIC_STATUSES else None

    def resolve_viewer_is_member(root: CharityProject, info: Any) -> bool:
        return is_member(viewer(info), root.organisation_id)

    def resolve_viewer_acts_for_foundation(root: CharityProject, info: Any) -> bool:
        return selectors.can_act_for_foundation(viewer(info), root)


class ProjectConnectionField(DjangoConnectionField):
    """The list resolver primes each page's funding (five queries for the whole page, not five per project)."""

    @classmethod
    def resolve_connection(cls, connection: Any, args: Any, iterable: Any, max_limit: Any = None) -> Any:
        result = super().resolve_connection(connection, args, iterable, max_limit)
        nodes = [edge.node for edge in result.edges]
        for node, funding in zip(nodes, selectors.fundings(nodes).values(), strict=True):
            node._funding = funding
        return result


class PublicCharityProjectType(DjangoObjectType):
    """What donors and the public see of an approved project: no people, no reviews, no reports' text."""

    category = graphene.Field(NeedCategoryEnum, required=True)
    status = graphene.Field(ProjectStatusEnum, required=True)
    beneficiary_groups = graphene.List(graphene.NonNull(BeneficiaryGroupEnum), required=True)
    region = graphene.Field(RegionType, required=True)
    foundation_name = graphene.String(required=True)
    organisation_name = graphene.String(required=True)
    budget_total_fen = graphene.Field(Fen, required=True)
    raised_fen = graphene.Field(Fen, required=True, description="Grant plus donations received.")
    gap_fen = graphene.Field(Fen, required=True)
    disclosure_url = graphene.String(required=True)
    earmark_project_id = graphene.ID(required=True, description="Pass as earmarkProjectId to donate to it.")

    class Meta:
        model = CharityProject
        name = "PublicCharityProject"
        fields = ("id", "name", "summary", "beneficiary_count", "starts_on", "ends_on")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    @classmethod
    def get_node(cls, info: Any, id: Any) -> Any:
        return selectors.public_project_list().filter(pk=id).first()

    def resolve_category(root: CharityProject, _info: Any) -> str:
        return plain(root.category)

    def resolve_status(root: CharityProject, _info: Any) -> str:
        return plain(root.status)

    def resolve_beneficiary_groups(root: CharityProject, _info: Any) -> list[str]:
        return list(root.beneficiary_groups or [])

    def resolve_foundation_name(root: CharityProject, _info: Any) -> str:
        return root.foundation.name

    def resolve_organisation_name(root: CharityProject, _info: Any) -> str:
        return root.organisation.name

    def resolve_raised_fen(root: CharityProject, _info: Any) -> int:
        f = _funding(root)
        return f.grant_fen + f.donations_fen

    def resolve_gap_fen(root: CharityProject, _info: Any) -> int:
        return _funding(root).gap_fen if root.status == CharityProject.Status.APPROVED else 0

    def resolve_disclosure_url(root: CharityProject, _info: Any) -> str:
        return f"/projects/{root.pk}/disclosure"

    def resolve_earmark_project_id(root: CharityProject, _info: Any) -> str:
        return gid("CharityProject", root.pk)


class LineRowType(graphene.ObjectType):
    class Meta:
        name = "ProjectDashboardLine"

    budget_line = graphene.Field(BudgetLineType, required=True)
    budget_fen = graphene.Field(Fen, required=True)
    spent_fen = graphene.Field(Fen, required=True)
    remaining_fen = graphene.Field(Fen, required=True)


class DashboardType(graphene.ObjectType):
    class Meta:
        name = "ProjectDashboard"

    project = graphene.Field(CharityProjectType, required=True)
    funding = graphene.Field(FundingType, required=True)
    lines = graphene.List(graphene.NonNull(LineRowType), required=True)
    tranches = graphene.List(graphene.NonNull(TrancheType), required=True)
    reports = graphene.List(graphene.NonNull(ReportType), required=True)
    households_served = graphene.Int(required=True, description="Σ over approved reports.")
    service_minutes = graphene.Int(required=True)
    goods_items = graphene.Int(required=True)
    rating_count = graphene.Int(required=True)
    rating_average_tenths = graphene.Int(description="The average rating × 10 (43 = 4.3), null without ratings.")

    @staticmethod
    def of(d: selectors.Dashboard) -> DashboardType:
        d.project._funding = d.funding  # type: ignore[attr-defined]
        return DashboardType(
            project=d.project, funding=CharityProjectType.resolve_funding(d.project, None),
            lines=[LineRowType(budget_line=r.line, budget_fen=r.budget_fen, spent_fen=r.spent_fen,
                               remaining_fen=r.remaining_fen) for r in d.lines],
            tranches=d.tranches, reports=d.reports, households_served=d.households_served,
            service_minutes=d.service_minutes, goods_items=d.goods_items, rating_count=d.rating_count,
            rating_average_tenths=d.rating_average_tenths,
        )


class FundProposalType(DjangoObjectType):
    status = graphene.Field(FundProposalStatusEnum, required=True)
    project = graphene.Field(CharityProjectType, required=True)
    amount_fen = graphene.Field(Fen, required=True)
    available_fen = graphene.Field(Fen, required=True)
    gap_fen = graphene.Field(Fen, required=True)
    fund_label = graphene.String(required=True)
    components = graphene.JSONString(required=True)
    reviewer = graphene.Field(PersonType)

    class Meta:
        model = ProjectFundProposal
        name = "ProjectFundProposal"
        fields = ("id", "fund_key", "score", "reason", "decided_at", "created_at")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    @classmethod
    def get_node(cls, info: Any, id: Any) -> Any:
        return selectors.fund_proposal_list(actor=viewer(info)).filter(pk=id).first()

    def resolve_status(root: ProjectFundProposal, _info: Any) -> str:
        return plain(root.status)

    def resolve_fund_label(root: ProjectFundProposal, _info: Any) -> str:
        return str(_("本项目定向捐赠") if root.fund_kind == "project" else _("慈善总基金(非定向)"))

    def resolve_reviewer(root: ProjectFundProposal, _info: Any) -> Any:
        return PersonType.of(root.reviewer)
