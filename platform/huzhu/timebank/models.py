"""The time bank's own records on top of the ledger.

The ledger (`ledger` app) holds the money of the time bank: accounts, transfers, balances, in integer
minutes. These tables hold what the ledger does not know: who a member is (age, living alone, disabled —
the rules for redemption and for pool allotment), why a transfer happened (an earned service, a gift, a
pool donation, a redemption) and the rules an administrator set. Every row here that records a transfer
keeps the ledger transfer id, so a statement line can always be traced to the ledger and back.

Rows that record a movement of minutes are never edited into a different movement: a correction is a new
reversing transfer and a new row (EarnReversal), as in the ledger itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Hours are stored as minutes (1 hour served = 60 minutes of credit).
HOUR = 60


class TimeBankRules(models.Model):
    """The administrator's rules: one row (pk=1), created with the defaults on first read.

    Defaults follow the real schemes: Nanjing 时间银行 caps storage at 1,500 hours per account; Shanghai's
    「沪助养老时光汇」 lets people redeem from 65 (60 for special hardship); the national star levels for
    recorded service hours are 100/300/600/1000/1500 hours.
    """

    storage_cap_minutes = models.PositiveIntegerField(_("每个账户存储上限(分钟)"), default=1500 * HOUR)
    max_service_minutes = models.PositiveIntegerField(
        _("单次服务可记录的最长时间(分钟)"), default=24 * HOUR,
        help_text=_("一次确认的服务时长超过此值会被拒绝,防止误录。"),
    )
    star1_minutes = models.PositiveIntegerField(_("一星所需累计时长(分钟)"), default=100 * HOUR)
    star2_minutes = models.PositiveIntegerField(_("二星所需累计时长(分钟)"), default=300 * HOUR)
    star3_minutes = models.PositiveIntegerField(_("三星所需累计时长(分钟)"), default=600 * HOUR)
    star4_minutes = models.PositiveIntegerField(_("四星所需累计时长(分钟)"), default=1000 * HOUR)
    star5_minutes = models.PositiveIntegerField(_("五星所需累计时长(分钟)"), default=1500 * HOUR)
    yearly_give_cap_minutes = models.PositiveIntegerField(
        _("每人每年可赠与的上限(分钟)"), default=100 * HOUR,
        help_text=_("一个自然年内赠与亲友的合计上限(捐入社区时间池不计入);0 表示不允许赠与亲友。"),
    )
    redemption_age = models.PositiveSmallIntegerField(_("兑换服务的起始年龄"), default=65)
    hardship_redemption_age = models.PositiveSmallIntegerField(_("特殊困难人员兑换起始年龄"), default=60)
    max_redemption_minutes = models.PositiveIntegerField(_("单次兑换上限(分钟)"), default=8 * HOUR)
    redemption_hold_days = models.PositiveSmallIntegerField(
        _("兑换冻结的有效天数"), default=0,
        help_text=_("兑换申请冻结的时长在这么多天后自动解冻;0 表示直到服务完成或取消。"),
    )
    key_elder_age = models.PositiveSmallIntegerField(_("重点老人(独居)年龄"), default=80)
    elder_min_age = models.PositiveSmallIntegerField(_("优先老人最低年龄"), default=60)
    pool_allotment_minutes = models.PositiveIntegerField(_("社区池每次分配给每位老人的时长(分钟)"), default=10 * HOUR)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("时间银行规则")
        verbose_name_plural = _("时间银行规则")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="timebankrules_singleton"),
            models.CheckConstraint(
                condition=models.Q(star1_minutes__lte=models.F("star2_minutes"))
                & models.Q(star2_minutes__lte=models.F("star3_minutes"))
                & models.Q(star3_minutes__lte=models.F("star4_minutes"))
                & models.Q(star4_minutes__lte=models.F("star5_minutes")),
                name="timebankrules_stars_ascending",
            ),
            models.CheckConstraint(
                condition=models.Q(hardship_redemption_age__lte=models.F("redemption_age")),
                name="timebankrules_hardship_age_not_above_age",
            ),
        ]

    def __str__(self) -> str:
        return str(_("时间银行规则"))

    def star_thresholds(self) -> list[int]:
        return [self.star1_minutes, self.star2_minutes, self.star3_minutes, self.star4_minutes, self.star5_minutes]


class TimeBankMember(models.Model):
    """A person with a time-bank account: a volunteer user, a relative, or an elder registered by staff.

    Elders without a phone have no user; staff act for them (代办). The flags drive who may redeem and who is
    first in line for the community pool. `household_id` is the households app's Household id when the elder
    belongs to a registered household (kept as a plain integer so the two apps stay independent).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="timebank_member"
    )
    display_name = models.CharField(_("姓名"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    lives_alone = models.BooleanField(_("独居"), default=False)
    disabled = models.BooleanField(_("失能"), default=False)
    minimum_living = models.BooleanField(_("低保家庭"), default=False)
    hardship = models.BooleanField(_("特殊困难"), default=False, help_text=_("特殊困难人员可提前到较低年龄兑换。"))
    household_id = models.BigIntegerField(_("困难家庭编号"), null=True, blank=True)
    # The street whose group the account belongs to, and the community (or street) the person lives in.
    street = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    account_id = models.BigIntegerField(_("账本账户"), unique=True, null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("时间银行成员")
        verbose_name_plural = _("时间银行成员")
        indexes = [models.Index(fields=["street", "birth_year"])]

    def __str__(self) -> str:
        return self.display_name


class EarnedTotal(models.Model):
    """Cumulative confirmed service minutes of a member: stars come from here, never from the balance.

    Giving and redeeming leave it alone; a reversed earning lowers it.
    """

    member = models.OneToOneField(TimeBankMember, on_delete=models.PROTECT, related_name="earned_total",
                                  primary_key=True)
    minutes = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(minutes__gte=0), name="earnedtotal_not_negative")]


class EarnRecord(models.Model):
    """One confirmed service credited to a volunteer (idempotent by key: a retry finds this row).

    `credited_minutes` went to the volunteer's account, `donated_minutes` (above the storage cap) to the
    street's community pool; both were minted by the platform's issuing account.
    """

    idempotency_key = models.CharField(max_length=200, unique=True)
    member = models.ForeignKey(TimeBankMember, on_delete=models.PROTECT, related_name="earn_records")
    minutes = models.PositiveIntegerField()
    credited_minutes = models.PositiveIntegerField(default=0)
    donated_minutes = models.PositiveIntegerField(default=0)
    street = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    organisation_name = models.CharField(max_length=200)
    service_date = models.DateField()
    memo = models.CharField(max_length=500, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transfer_id = models.BigIntegerField(null=True, blank=True)
    donation_transfer_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("服务时长记录")
        verbose_name_plural = _("服务时长记录")
        indexes = [models.Index(fields=["member", "service_date"]), models.Index(fields=["street", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes=models.F("credited_minutes") + models.F("donated_minutes")),
                name="earnrecord_split_adds_up",
            )
        ]


class EarnReversal(models.Model):
    """A correction of an earning: reversing transfers in the ledger; at most one per earning."""

    earn_record = models.OneToOneField(EarnRecord, on_delete=models.PROTECT, related_name="reversal")
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transfer_id = models.BigIntegerField(null=True, blank=True)
    donation_transfer_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class TimeBankLink(models.Model):
    """A relative or friend a member may give minutes to: requested by one side, accepted by the other."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待确认")
        ACCEPTED = "accepted", _("已确认")

    from_member = models.ForeignKey(TimeBankMember, on_delete=models.PROTECT, related_name="links_out")
    to_member = models.ForeignKey(TimeBankMember, on_delete=models.PROTECT, related_name="links_in")
    relation = models.CharField(_("关系"), max_length=40, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_member", "to_member"], name="timebanklink_unique_pair"),
            models.CheckConstraint(condition=~models.Q(from_member=models.F("to_member")),
                                   name="timebanklink_not_self"),
        ]


class Gift(models.Model):
    """Minutes a member gave to a linked member or to a street's community pool."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    from_member = models.ForeignKey(TimeBankMember, on_delete=models.PROTECT, related_name="gifts_out")
    to_member = models.ForeignKey(
        TimeBankMember, on_delete=models.PROTECT, null=True, blank=True, related_name="gifts_in"
    )
    to_pool_street = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    transfer_id = models.BigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["from_member", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_member__isnull=False, to_pool_street__isnull=True)
                | models.Q(to_member__isnull=True, to_pool_street__isnull=False),
                name="gift_one_recipient",
            ),
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="gift_positive"),
        ]


class PoolDonation(models.Model):
    """Minutes that came into a street's community pool: a volunteer's gift, or earnings above the cap."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("志愿者捐赠")
        OVERFLOW = "overflow", _("超出存储上限转入")

    street = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    donor = models.ForeignKey(TimeBankMember, on_delete=models.PROTECT, related_name="pool_donations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    minutes = models.PositiveIntegerField()
    transfer_id = models.BigIntegerField()
    earn_record = models.OneToOneField(
        EarnRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="pool_donation"
    )
    gift = models.OneToOneField(Gift, on_delete=models.PROTECT, null=True, blank=True, related_name="pool_donation")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["street", "created_at"])]


class PoolAllotment(models.Model):
    """Minutes of a street's pool allotted to a key elder, with the priority rule that chose them."""

    class Priority(models.IntegerChoices):
        AGED_ALONE = 1, _("80 岁以上独居老人")
        MINIMUM_LIVING = 2, _("60–79 岁低保家庭老人")
        DISABLED = 3, _("60–79 岁失能老人")
        ALONE = 4, _("60–79 岁独居老人")

    street = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(TimeBankMember, on_delete=models.PROTECT, related_name="pool_allotments")
    minutes = models.PositiveIntegerField()
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    transfer_id = models.BigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    batch_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch_key", "member"], name="poolallotment_once_per_batch"),
        ]


class Redemption(models.Model):
    """A service paid in minutes: the minutes are held (a pending transfer) until it is delivered or cancelled."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("已申请")
        SCHEDULED = "scheduled", _("已安排")
        DELIVERED = "delivered", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    OPEN = (Status.REQUESTED, Status.SCHEDULED)

    idempotency_key = models.CharField(max_length=200, unique=True)
    member = models.ForeignKey(TimeBankMember, on_delete=models.PROTECT, related_name="redemptions")
    service_type = models.CharField(_("服务类型"), max_length=40)
    minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    # Where the service is delivered: any community or street of the district (通存通兑).
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(max_length=500, blank=True)
    pending_transfer_id = models.BigIntegerField()
    settle_transfer_id = models.BigIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False)
    task_id = models.BigIntegerField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("时间兑换")
        verbose_name_plural = _("时间兑换")
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["member", "created_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(minutes__gt=0), name="redemption_positive")]


class Certificate(models.Model):
    """A 志愿服务记录证明 as issued: who, how many confirmed minutes, in whose name. The PDF is rebuilt on demand."""

    member = models.ForeignKey(TimeBankMember, on_delete=models.PROTECT, related_name="certificates")
    organisation_name = models.CharField(max_length=200)
    # Only the services run by this organisation count; blank = all of the member's services.
    only_organisation = models.BooleanField(default=False)
    total_minutes = models.BigIntegerField()
    service_count = models.PositiveIntegerField()
    # The highest ledger transfer id counted: verification recounts from the ledger up to it.
    last_transfer_id = models.BigIntegerField(default=0)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
