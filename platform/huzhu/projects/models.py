"""Charity projects (慈善项目 / 公益创投): foundations, organisations that apply, reviews, grants, monitoring.

Money never lives in these tables. The CNY ledger (ledger.api) holds it:

    projects:external:income      where a foundation's grant budget comes from (may go below zero)
    projects:foundation:<id>      the foundation's fund: credited by deposits, debited by tranches (held on approval)
    projects:project:<id>         the project's money: grant tranches and earmarked donations come in, spending goes out
    projects:spent:<line id>      what was spent on one budget line (its posted balance is "spent")

Amounts here are what was asked, approved and planned. "Spent on a line" is the ledger balance of the line's
spent account, not a column someone could edit; the line row is what concurrent spendings lock.

giving reads CharityProject through giving.targets (name, region, status, category): keep those fields.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from huzhu.giving.taxonomy import NeedCategory


class BeneficiaryGroup(models.TextChoices):
    """Who a project serves: the households' assistance categories and vulnerability tags, and residents."""

    MINIMUM_LIVING = "minimum_living", _("低保")
    EXTREME_POVERTY = "extreme_poverty", _("特困")
    MARGINAL_LOW_INCOME = "marginal_low_income", _("低边")
    EXPENDITURE_POVERTY = "expenditure_poverty", _("支出型贫困")
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    EMPTY_NEST = "empty_nest", _("空巢老人")
    DISABLED_ELDERLY = "disabled_elderly", _("失能老人")
    DEMENTIA = "dementia", _("失智老人")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("困境儿童")
    ORPHAN_DISABLED_CHILD = "orphan_disabled_child", _("孤残儿童")
    SEVERE_DISABILITY = "severe_disability", _("重残")
    SERIOUS_ILLNESS = "serious_illness", _("重病")
    POOR_STUDENT = "poor_student", _("贫困在校生")
    RESIDENTS = "residents", _("社区居民")


class Organisation(models.Model):
    """A social organisation (社会组织) or a charity workstation that applies for projects; its members act for it."""

    class Kind(models.TextChoices):
        SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
        WORKSTATION = "workstation", _("慈善工作站")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # Where it works: a project it applies for must lie in this region's subtree.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    workstation = models.OneToOneField("people.Workstation", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="project_organisation")
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申报机构")
        verbose_name_plural = _("申报机构")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="social_organisation", workstation__isnull=True)
                | Q(kind="workstation", workstation__isnull=False),
                name="projects_org_workstation_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationMember(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("负责人")
        MEMBER = "member", _("成员")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="project_memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="projects_member_unique")]


class Foundation(models.Model):
    """A community foundation (社区基金会): reviews the projects of its region and grants from its ledger fund.

    Its reviewers are not stored: they are the users holding the foundation_reviewer role at its region or above.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    ledger_account_id = models.BigIntegerField(null=True, blank=True, unique=True)  # projects:foundation:<id>
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("社区基金会")
        verbose_name_plural = _("社区基金会")

    def __str__(self) -> str:
        return self.name


class FoundationDeposit(models.Model):
    """Grant budget put into a foundation's fund (from outside the platform), recorded by an administrator."""

    foundation = models.ForeignKey(Foundation, on_delete=models.PROTECT, related_name="deposits")
    amount_fen = models.BigIntegerField()
    memo = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=100)
    ledger_transfer_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="projects_deposit_positive"),
            models.UniqueConstraint(fields=["foundation", "idempotency_key"], name="projects_deposit_idempotency"),
        ]


class CriteriaSet(models.Model):
    """The published scoring criteria of a foundation. Published sets never change; a new one replaces it."""

    foundation = models.ForeignKey(Foundation, on_delete=models.PROTECT, related_name="criteria_sets")
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["foundation"], condition=Q(active=True),
                                    name="projects_one_active_criteria_set"),
        ]


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="criteria")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    weight = models.PositiveSmallIntegerField()  # relative weight (e.g. percent)
    max_score = models.PositiveSmallIntegerField()  # scores are integers 0..max_score
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="projects_criterion_code_unique"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="projects_criterion_weight"),
            models.CheckConstraint(condition=Q(max_score__gte=1, max_score__lte=100), name="projects_criterion_max"),
        ]


class CharityProject(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        UNDER_REVIEW = "under_review", _("评审中")
        CHANGES_REQUESTED = "changes_requested", _("需修改")
        APPROVED = "approved", _("已立项(实施中)")
        REJECTED = "rejected", _("未通过")
        COMPLETED = "completed", _("已结项")
        CLOSED = "closed", _("已终止")
        WITHDRAWN = "withdrawn", _("已撤回")

    foundation = models.ForeignKey(Foundation, on_delete=models.PROTECT, related_name="projects")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="projects")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("项目名称"), max_length=100)
    summary = models.CharField(_("项目简介"), max_length=500, blank=True)
    goals = models.TextField(_("项目目标"), max_length=5000)
    category = models.CharField(_("领域"), max_length=32, choices=NeedCategory.choices)
    beneficiary_groups = ArrayField(models.CharField(max_length=32, choices=BeneficiaryGroup.choices), default=list)
    beneficiary_count = models.PositiveIntegerField(_("受益人数"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")  # the area served
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    review_round = models.PositiveSmallIntegerField(default=0)  # +1 at every submission
    requested_fen = models.BigIntegerField(default=0)  # Σ planned tranches: the grant asked for
    budget_total_fen = models.BigIntegerField(default=0)  # Σ budget lines (grant + donations + own money)
    approved_fen = models.BigIntegerField(default=0)
    ledger_account_id = models.BigIntegerField(null=True, blank=True, unique=True)  # opened on approval
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("慈善项目")
        verbose_name_plural = _("慈善项目")
        indexes = [models.Index(fields=["foundation", "status"], name="projects_foundation_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="projects_schedule_order"),
            models.CheckConstraint(
                condition=Q(requested_fen__gte=0, approved_fen__gte=0, approved_fen__lte=F("requested_fen"),
                            requested_fen__lte=F("budget_total_fen")),
                name="projects_amounts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("人员费用")
        MATERIALS = "materials", _("物资采购")
        ACTIVITIES = "activities", _("活动费用")
        SERVICES = "services", _("专业服务")
        ADMINISTRATION = "administration", _("管理费用")
        OTHER = "other", _("其他")

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="budget_lines")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=24, choices=Category.choices)
    amount_fen = models.BigIntegerField()
    note = models.CharField(max_length=500, blank=True)
    spent_account_id = models.BigIntegerField(null=True, blank=True, unique=True)  # opened on approval

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="projects_line_position"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="projects_line_positive"),
        ]


class Milestone(models.Model):
    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=100)
    due_on = models.DateField()
    deliverables = models.CharField(max_length=1000, blank=True)
    planned_tranche_fen = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="projects_milestone_position"),
            models.CheckConstraint(condition=Q(planned_tranche_fen__gte=0), name="projects_tranche_plan_nonneg"),
        ]


class Tranche(models.Model):
    """One instalment of an approved grant: held in the ledger on approval, posted when its milestone's report
    is approved, voided if the project ends early."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已承诺(冻结中)")
        RELEASED = "released", _("已拨付")
        CANCELED = "canceled", _("已撤销")

    project = models.ForeignKey(CharityProject, on_delete=models.PROTECT, related_name="tranches")
    milestone = models.OneToOneField(Milestone, on_delete=models.PROTECT, related_name="tranche")
    amount_fen = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.COMMITTED)
    hold_transfer_id = models.BigIntegerField(null=True, blank=True)
    ledger_transfer_id = models.BigIntegerField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["milestone__position"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="projects_tranche_positive")]


class ReviewAssignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("已分配")
        RECUSED = "recused", _("已回避")

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "reviewer"], name="projects_assignment_unique")]


class ConflictDeclaration(models.Model):
    """A declared conflict of interest: the reviewer may not review, decide or fund this project."""

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "reviewer"], name="projects_conflict_unique")]


class Review(models.Model):
    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("建议立项")
        CHANGES = "changes", _("建议修改后再议")
        REJECT = "reject", _("建议不予立项")

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.PROTECT, related_name="reviews")
    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField()
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    total_score = models.PositiveSmallIntegerField()  # weighted, 0..100
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices)
    comment = models.CharField(max_length=2000, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="projects_review_once_per_round"),
            models.CheckConstraint(condition=Q(total_score__lte=100), name="projects_review_total_0_100"),
        ]


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["criterion__position"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="projects_score_unique")]


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", _("立项资助")
        CHANGES = "changes", _("退回修改")
        REJECT = "reject", _("不予立项")

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    amount_fen = models.BigIntegerField(default=0)
    reasons = models.CharField(max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "round"], name="projects_one_decision_per_round"),
            models.CheckConstraint(condition=Q(outcome="approve", amount_fen__gt=0) | (~Q(outcome="approve")
                                                                                     & Q(amount_fen=0)),
                                   name="projects_decision_amount"),
        ]


class MilestoneReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="reports")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="reports")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(max_length=5000)
    households_served = models.PositiveIntegerField(default=0)
    service_minutes = models.PositiveIntegerField(default=0)
    goods_items = models.PositiveIntegerField(default=0)
    goods_description = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=1000, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone"], condition=Q(status="approved"),
                                    name="projects_one_approved_report"),
            models.UniqueConstraint(fields=["milestone"], condition=Q(status="submitted"),
                                    name="projects_one_pending_report"),
        ]


class Spending(models.Model):
    """Money spent on one budget line: a ledger transfer project account → the line's spent account."""

    project = models.ForeignKey(CharityProject, on_delete=models.PROTECT, related_name="spendings")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spendings")
    amount_fen = models.BigIntegerField()
    spent_on = models.DateField()
    memo = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=100)
    ledger_transfer_id = models.BigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="projects_spending_positive"),
            models.UniqueConstraint(fields=["project", "idempotency_key"], name="projects_spending_idempotency"),
        ]


class Evaluation(models.Model):
    """A third party's evaluation (第三方评估) of a running or finished project."""

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField()  # 1..5
    summary = models.CharField(max_length=5000)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "evaluator"], name="projects_one_evaluation_each"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="projects_rating_1_5"),
        ]


class AttachmentStorage(FileSystemStorage):
    """Files under settings.HUZHU_PROJECTS_MEDIA_ROOT (default .data/media/projects), read at every use so a
    test can point it elsewhere. Never served directly: downloads go through a view that checks access."""

    @property
    def base_location(self) -> str:  # type: ignore[override]
        root = getattr(settings, "HUZHU_PROJECTS_MEDIA_ROOT", None) or Path(settings.DATA_DIR) / "media" / "projects"
        return str(root)

    @property
    def location(self) -> str:  # type: ignore[override]
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None


_storage = AttachmentStorage()


def attachment_storage() -> AttachmentStorage:
    return _storage


def attachment_path(instance: ProjectAttachment, filename: str) -> str:
    return f"{instance.project_id}/{instance.stored_name}"


class ProjectAttachment(models.Model):
    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="attachments")
    report = models.ForeignKey(MilestoneReport, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to=attachment_path, max_length=200)
    stored_name = models.CharField(max_length=80)  # random name on disk; the user's file name is `name`
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ProjectEvent(models.Model):
    """The audit trail: one append-only row per step (who, when, what)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("创建申报")
        UPDATED = "updated", _("修改申报")
        SUBMITTED = "submitted", _("提交申报")
        WITHDRAWN = "withdrawn", _("撤回申报")
        ATTACHMENT_ADDED = "attachment_added", _("上传附件")
        REVIEWER_ASSIGNED = "reviewer_assigned", _("分配评审")
        CONFLICT_DECLARED = "conflict_declared", _("声明利益冲突")
        REVIEW_SUBMITTED = "review_submitted", _("提交评审")
        DECIDED = "decided", _("作出决定")
        TRANCHE_RELEASED = "tranche_released", _("拨付资助款")
        TRANCHE_CANCELED = "tranche_canceled", _("撤销未拨付资助款")
        REPORT_SUBMITTED = "report_submitted", _("提交节点报告")
        REPORT_APPROVED = "report_approved", _("通过节点报告")
        REPORT_RETURNED = "report_returned", _("退回节点报告")
        SPENDING_RECORDED = "spending_recorded", _("记录支出")
        EVALUATION_SUBMITTED = "evaluation_submitted", _("提交评估")
        DONATIONS_RECEIVED = "donations_received", _("定向捐赠入账")
        FUND_PROPOSED = "fund_proposed", _("资金匹配建议")
        FUND_ACCEPTED = "fund_accepted", _("接受资金匹配")
        FUND_REJECTED = "fund_rejected", _("拒绝资金匹配")
        CLOSED = "closed", _("结项/终止")

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "at"], name="projects_event_project_at")]


class ProjectFundProposal(models.Model):
    """Matching proposes a fund (giving's project fund or the general fund) → a project with a funding gap;
    foundation reviewers accept (money moves into the project) or reject it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        ACCEPTED = "accepted", _("已接受")
        REJECTED = "rejected", _("已拒绝")

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="fund_proposals")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")  # the project's
    fund_account = models.BigIntegerField()  # giving's fund, by its ledger account id
    fund_key = models.CharField(max_length=64)
    fund_kind = models.CharField(max_length=16)
    amount_fen = models.BigIntegerField()
    available_fen = models.BigIntegerField()  # the fund's available money when proposed
    gap_fen = models.BigIntegerField()  # the project's funding gap when proposed
    score = models.PositiveSmallIntegerField()
    components = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    reason = models.CharField(max_length=500, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    disbursement_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="projects_fund_proposal_positive"),
            models.UniqueConstraint(fields=["project", "fund_account"], condition=Q(status="proposed"),
                                    name="projects_one_open_proposal_per_fund"),
        ]
