"""Service tasks (社工+志愿者): one lead social worker and volunteers serve a household, a time-bank redemption
or a community activity; claims, waiting list, group reservations, QR check-in/out, confirmed hours.

Why slots_left is a counter on the task and not a COUNT(*) of claims: a claim takes a slot with one conditional
UPDATE (`slots_left > 0`), so of fifty concurrent claims for the last slot exactly one sees a row count of 1
and no lock is held across the eligibility checks. Reserved group slots are moved out of `slots_left` into the
reservation's own counter, and back when the reservation is released, so `slots_left` is always the number of
slots anyone may claim now.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    HOME_VISIT = "home_visit", _("上门探访")
    CLEANING = "cleaning", _("清洁打扫")
    MEAL_DELIVERY = "meal_delivery", _("助餐送餐")
    HOSPITAL_ESCORT = "hospital_escort", _("陪同就医")
    HAIRCUT = "haircut", _("理发")
    TUTORING = "tutoring", _("学业辅导")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("心理疏导")
    LEGAL_ADVICE = "legal_advice", _("法律咨询")
    REPAIR = "repair", _("家居维修")
    COMMUNITY_ACTIVITY = "community_activity", _("社区活动")
    OTHER = "other", _("其他")


class ServiceTask(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("招募中")
        FULL = "full", _("已满员")
        IN_PROGRESS = "in_progress", _("进行中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    class Source(models.TextChoices):
        NEED = "need", _("困难家庭服务需求")
        REDEMPTION = "redemption", _("时间银行兑换")
        ACTIVITY = "activity", _("社区活动")
        MONTHLY_VISIT = "monthly_visit", _("月探访")

    ACTIVE_STATUSES = (Status.OPEN, Status.FULL, Status.IN_PROGRESS)

    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("说明"), blank=True, max_length=2000)
    service_type = models.CharField(_("服务类型"), max_length=32, choices=ServiceType.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.ACTIVITY)
    need = models.ForeignKey("households.Need", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="service_tasks")
    redemption = models.ForeignKey("timebank.Redemption", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="service_tasks")
    # The household served (a need's household, or the household of a monthly visit). Never shown to volunteers
    # except anonymised (category, tags, community).
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="service_tasks")
    # The community where the service happens. A household's exact address is never stored here: the team
    # reads it through households' audited personal_data_read, once they are on the task.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="service_tasks")
    place = models.CharField(_("集合地点"), max_length=200, blank=True,
                             help_text=_("公开的集合地点(社区活动);家庭住址不填在这里。"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    required_skills = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    slots = models.PositiveSmallIntegerField(_("志愿者名额"))
    slots_left = models.PositiveSmallIntegerField(_("可报名名额"))
    urgent = models.BooleanField(_("救急难"), default=False)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_service_tasks",
                             verbose_name=_("带队社工"))
    organisation_name = models.CharField(_("服务组织"), max_length=100)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Reminder and sweep bookkeeping: each set once by a conditional UPDATE, so a job run twice sends once.
    day_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    hour_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    attendance_closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("服务任务")
        verbose_name_plural = _("服务任务")
        constraints = [
            models.CheckConstraint(condition=Q(slots__gte=1, slots__lte=200), name="task_slots_1_200"),
            models.CheckConstraint(condition=Q(slots_left__lte=F("slots")), name="task_slots_left_le_slots"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="task_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["region", "starts_at"]),
            models.Index(fields=["lead", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def planned_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class TaskStatusChange(models.Model):
    """Every status change of a task: who (null for the system's jobs), when, from what to what, why."""

    task = models.ForeignKey(ServiceTask, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ServiceTask.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ServiceTask.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"])]


class GroupReservation(models.Model):
    """A school, company or party branch reserves a block of slots; members claim them with the join code.

    Unused slots go back to everyone at `release_at` (before the start).
    """

    task = models.ForeignKey(ServiceTask, on_delete=models.CASCADE, related_name="reservations")
    organisation_name = models.CharField(_("团体名称"), max_length=100)
    reserved_slots = models.PositiveSmallIntegerField(_("预留名额"))
    slots_left = models.PositiveSmallIntegerField(_("剩余预留名额"))
    join_code = models.CharField(_("团体报名码"), max_length=16, unique=True)
    release_at = models.DateTimeField(_("释放时间"))
    released_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(reserved_slots__gte=1), name="reservation_slots_positive"),
            models.CheckConstraint(condition=Q(slots_left__lte=F("reserved_slots")), name="reservation_left_le"),
        ]
        indexes = [models.Index(fields=["released_at", "release_at"])]


class TaskClaim(models.Model):
    """A volunteer on a task (claimed) or waiting for a slot (waitlisted); withdrawn claims are kept."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("已报名")
        WAITLISTED = "waitlisted", _("候补中")
        WITHDRAWN = "withdrawn", _("已退出")

    task = models.ForeignKey(ServiceTask, on_delete=models.CASCADE, related_name="claims")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="task_claims")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CLAIMED)
    idempotency_key = models.CharField(max_length=100)
    group = models.ForeignKey(GroupReservation, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="claims")
    # Whether the slot came out of the group's reserved block (and goes back there on withdrawal).
    from_group_block = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    no_show = models.BooleanField(default=False)
    no_show_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "idempotency_key"], name="claim_idempotency_key"),
            # At most one live claim (on the task or on its waiting list) per volunteer and task.
            models.UniqueConstraint(fields=["task", "volunteer"], condition=Q(status__in=["claimed", "waitlisted"]),
                                    name="claim_one_live_per_task"),
        ]
        indexes = [
            models.Index(fields=["volunteer", "status"]),
            models.Index(fields=["task", "status", "created_at"]),
        ]


class Attendance(models.Model):
    """Check-in and out of one volunteer on one task, the minutes served, and their confirmation.

    `earning_key` is the time-bank idempotency key of the current credit: `task:<task>:vol:<user>` first,
    `...:corr:<n>` after the n-th correction (a reversal of the previous key, then a new credit).
    """

    class Method(models.TextChoices):
        QR = "qr", _("扫码")
        MANUAL = "manual", _("社工代签")
        AUTO = "auto", _("系统自动签退")

    claim = models.OneToOneField(TaskClaim, on_delete=models.PROTECT, related_name="attendance")
    task = models.ForeignKey(ServiceTask, on_delete=models.PROTECT, related_name="attendances")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances")
    checked_in_at = models.DateTimeField()
    check_in_method = models.CharField(max_length=8, choices=Method.choices)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_out_at = models.DateTimeField(null=True, blank=True)
    check_out_method = models.CharField(max_length=8, choices=Method.choices, blank=True)
    checked_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    # Set when the volunteer forgot to check out and the system did it at the planned end: the lead reviews it.
    flagged = models.BooleanField(default=False)
    minutes = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    credited_minutes = models.PositiveIntegerField(null=True, blank=True)
    earning_key = models.CharField(max_length=100, blank=True)
    corrections = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "volunteer"], name="attendance_one_per_task"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gte=F("checked_in_at")),
                name="attendance_out_after_in",
            ),
            models.CheckConstraint(condition=Q(minutes__lte=24 * 60), name="attendance_minutes_le_day"),
        ]
        indexes = [models.Index(fields=["volunteer", "confirmed_at"])]

    @property
    def service_date(self):  # noqa: ANN201 - a date in the platform's time zone
        from django.utils import timezone

        return timezone.localtime(self.checked_in_at).date()


class MinutesChange(models.Model):
    """An edit of served minutes by the social worker, with its reason.

    Before confirmation it is an adjustment of the attendance; after confirmation a correction, posted to the
    time bank as a reversal of the previous credit plus a new credit (never an edit of a ledger entry).
    """

    class Kind(models.TextChoices):
        ADJUST = "adjust", _("确认前调整")
        CORRECT = "correct", _("确认后更正")

    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="minutes_changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    from_minutes = models.PositiveIntegerField()
    to_minutes = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reversed_key = models.CharField(max_length=100, blank=True)
    new_key = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class UsedCheckinToken(models.Model):
    """Nonces of QR tokens already used, per volunteer and action: the same code cannot be used twice."""

    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(ServiceTask, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=3)  # "in" / "out"
    nonce = models.CharField(max_length=32)
    used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "action", "nonce"], name="checkin_token_used_once"),
        ]


class Suspension(models.Model):
    """After `no_show_limit` no-shows a volunteer may not claim new tasks until `until`."""

    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    starts_at = models.DateTimeField()
    until = models.DateTimeField()
    no_shows = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["volunteer", "until"])]


class VolunteeringRules(models.Model):
    """The administrator's rules: one row (id 1), read by every claim, withdrawal and check-out."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    withdrawal_cutoff_hours = models.PositiveSmallIntegerField(_("退出截止(开始前小时数)"), default=24)
    max_hours_per_week = models.PositiveSmallIntegerField(_("每周服务时长上限(小时)"), default=20)
    no_show_limit = models.PositiveSmallIntegerField(_("未到岗次数上限"), default=3)
    suspension_days = models.PositiveSmallIntegerField(_("暂停报名天数"), default=30)
    checkout_tolerance_minutes = models.PositiveSmallIntegerField(_("签退宽限(分钟)"), default=30)
    checkin_opens_minutes = models.PositiveSmallIntegerField(_("提前签到(分钟)"), default=60)
    visit_reminder_days = models.PositiveSmallIntegerField(_("月末前提醒探访(天)"), default=5)
    urgent_notify_limit = models.PositiveSmallIntegerField(_("救急难通知人数上限"), default=50)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("志愿服务规则")
        verbose_name_plural = _("志愿服务规则")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="volunteering_rules_singleton"),
            models.CheckConstraint(condition=Q(max_hours_per_week__gte=1, max_hours_per_week__lte=168),
                                   name="rules_week_hours_range"),
            models.CheckConstraint(condition=Q(no_show_limit__gte=1), name="rules_no_show_limit_positive"),
        ]

    @property
    def withdrawal_cutoff(self) -> timedelta:
        return timedelta(hours=self.withdrawal_cutoff_hours)


class MonthlyVisit(models.Model):
    """月探访: the visit task planned for a key-group household in a month. Unique per household and month, so
    the monthly job run twice (or by two workers at once) plans one visit."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="monthly_visits")
    month = models.DateField()  # the first day of the month
    task = models.OneToOneField(ServiceTask, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="monthly_visit")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "month"], name="monthly_visit_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_visit_first_of_month"),
        ]


class VisitReminder(models.Model):
    """One month-end reminder per community and day, so the daily job run twice reminds once."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    households_due = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="visit_reminder_once_a_day")]
