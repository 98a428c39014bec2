"""Giving: money (Stripe and offline), goods stock, service pledges, and the trace of every gift.

Money never lives in these tables: amounts here are what was given, refunded and allocated; the CNY ledger
(ledger.api) holds the balances. A Fund maps one earmark (general, a project, a need category, a street or
community, one household need) to one ledger account, so "money given to project A is only spent on project A"
is the ledger account's balance, not a column someone could edit.

Goods stock is a sum of append-only StockMovement rows (+received, +reserved, −released, −dispatched, …).
StockItem is the row that concurrent reservations of one item lock, and it carries the running balance of those
movements (on_hand, reserved), updated in the same transaction as each movement under that lock, so that
matching finds available stock with an indexed read instead of summing the book on every call.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .taxonomy import GoodsCategory, GoodsCondition, NeedCategory, ServiceType


class Fund(models.Model):
    """An earmark and its CNY ledger account. One row per distinct earmark, created on first use."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("非定向(慈善总基金)")
        PROJECT = "project", _("定向:慈善项目")
        CATEGORY = "category", _("定向:需求类别")
        REGION = "region", _("定向:街道/社区")
        NEED = "need", _("定向:特定家庭需求")

    key = models.CharField(max_length=64, unique=True)  # "general", "project:12", "category:medical", ...
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The charity project this fund is for. An integer until the projects app has its model; then a lazy
    # ForeignKey("projects.CharityProject") on the same column (project_id).
    project_id = models.BigIntegerField(null=True, blank=True)
    category = models.CharField(max_length=32, choices=NeedCategory.choices, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    need_id = models.BigIntegerField(null=True, blank=True)
    ledger_account_id = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("慈善资金(按定向)")
        verbose_name_plural = _("慈善资金(按定向)")
        constraints = [
            models.CheckConstraint(
                name="fund_kind_fields",
                condition=Q(kind="general", project_id__isnull=True, category="", region__isnull=True,
                            need_id__isnull=True)
                | Q(kind="project", project_id__isnull=False)
                | (Q(kind="category") & ~Q(category=""))
                | Q(kind="region", region__isnull=False)
                | Q(kind="need", need_id__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.key


class RecurringDonation(models.Model):
    """Monthly giving: a saved card (Stripe SetupIntent, off_session) charged by a monthly job."""

    class Status(models.TextChoices):
        SETUP_PENDING = "setup_pending", _("待绑定支付方式")
        # a context: the same words are a service task's "in progress" in volunteering, "active" here
        ACTIVE = "active", pgettext_lazy("recurring donation", "进行中")
        CANCELED = "canceled", _("已取消")

    donor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recurring_donations")
    amount_fen = models.BigIntegerField()
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    message = models.CharField(max_length=500, blank=True)
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SETUP_PENDING)
    day_of_month = models.PositiveSmallIntegerField(default=1)
    next_charge_on = models.DateField(null=True, blank=True)
    last_charged_on = models.DateField(null=True, blank=True)
    failure_count = models.PositiveSmallIntegerField(default=0)
    stripe_customer_id = models.CharField(max_length=100, blank=True)
    stripe_setup_intent_id = models.CharField(max_length=100, blank=True)
    stripe_setup_client_secret = models.CharField(max_length=200, blank=True)
    stripe_payment_method_id = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="recurring_amount_positive"),
            models.CheckConstraint(condition=Q(day_of_month__gte=1, day_of_month__lte=28), name="recurring_day_1_28"),
            models.UniqueConstraint(fields=["donor", "idempotency_key"], name="recurring_idempotency"),
        ]


class Donation(models.Model):
    """A gift of money. Pending on creation; only the signed Stripe webhook (online) or a staff record
    (offline) makes it succeeded, and only then is it posted to the ledger and given a receipt number."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("在线支付")
        CASH = "cash", _("现金")
        BANK_TRANSFER = "bank_transfer", _("银行转账")

    class Status(models.TextChoices):
        PENDING = "pending", _("待支付")
        SUCCEEDED = "succeeded", _("已到账")
        FAILED = "failed", _("支付失败")
        CANCELED = "canceled", _("已取消")

    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    donor_name = models.CharField(_("捐赠人名称"), max_length=100, blank=True)  # offline donors without account
    channel = models.CharField(max_length=16, choices=Channel.choices)
    amount_fen = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="CNY")
    message = models.CharField(max_length=500, blank=True)
    anonymous = models.BooleanField(default=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    refunded_fen = models.BigIntegerField(default=0)
    # Stripe's cumulative amount_refunded seen in a refund event that arrived before the payment succeeded;
    # applied when the success arrives.
    stripe_refund_target_fen = models.BigIntegerField(default=0)
    # Refunded by Stripe beyond what the fund still held (already disbursed): needs a person to settle it.
    refund_unposted_fen = models.BigIntegerField(default=0)
    stripe_payment_intent_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    stripe_client_secret = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100)
    income_transfer_id = models.BigIntegerField(null=True, blank=True)
    receipt_number = models.CharField(max_length=40, null=True, blank=True, unique=True)
    external_reference = models.CharField(_("银行流水号/备注"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where an offline gift was received (the workstation's region): scopes staff visibility.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recurring = models.ForeignKey(
        RecurringDonation, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    succeeded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    # Canceled by the donor (or expired unpaid) with its PaymentIntent canceled in Stripe.
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("资金捐赠")
        verbose_name_plural = _("资金捐赠")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(condition=Q(currency="CNY"), name="donation_currency_cny"),
            models.CheckConstraint(
                condition=Q(refunded_fen__gte=0) & Q(refunded_fen__lte=models.F("amount_fen")),
                name="donation_refunded_within_amount",
            ),
            models.UniqueConstraint(
                fields=["donor", "idempotency_key"], condition=Q(donor__isnull=False), name="donation_idempotency"
            ),
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"], condition=Q(donor__isnull=True),
                name="donation_offline_idempotency",
            ),
        ]
        indexes = [models.Index(fields=["fund", "succeeded_at"], name="donation_fund_fifo_idx")]

    def __str__(self) -> str:
        return f"Donation #{self.pk} {self.amount_fen} fen {self.status}"


class DonationRefund(models.Model):
    """A refund of (part of) a succeeded donation, posted as a reversal of its income transfer."""

    class Source(models.TextChoices):
        STAFF = "staff", _("工作人员发起")
        STRIPE = "stripe", _("Stripe 通知")

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.BigIntegerField()
    source = models.CharField(max_length=16, choices=Source.choices)
    key = models.CharField(max_length=160, unique=True)  # idempotency: staff key or the Stripe cumulative marker
    reason = models.CharField(max_length=500, blank=True)
    ledger_transfer_id = models.BigIntegerField(null=True, blank=True)
    stripe_refund_id = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_amount_positive")]


class StripeEvent(models.Model):
    """Every Stripe event we accepted (signature verified), by its id: a second delivery is a no-op."""

    id = models.CharField(primary_key=True, max_length=100)
    type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=32)  # applied, ignored, deferred, mismatch, unknown_object, ...
    note = models.CharField(max_length=500, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)


class ReceiptCounter(models.Model):
    """The last receipt serial of a year; locked row → gapless numbers HZ<year><6 digits>."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Disbursement(models.Model):
    """Money of one fund held for, then paid to, a household need or a charity project."""

    class Status(models.TextChoices):
        HELD = "held", _("已冻结待拨付")
        DISBURSED = "disbursed", _("已拨付")
        RELEASED = "released", _("已释放")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="disbursements")
    need_id = models.BigIntegerField(null=True, blank=True)
    project_id = models.BigIntegerField(null=True, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount_fen = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    idempotency_key = models.CharField(max_length=160, unique=True)
    hold_transfer_id = models.BigIntegerField(null=True, blank=True)
    ledger_transfer_id = models.BigIntegerField(null=True, blank=True)
    memo = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    disbursed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="disbursement_amount_positive"),
            models.CheckConstraint(
                condition=Q(need_id__isnull=False, project_id__isnull=True)
                | Q(need_id__isnull=True, project_id__isnull=False),
                name="disbursement_one_target",
            ),
        ]


class DonationAllocation(models.Model):
    """Which donations a disbursement drew on (oldest first within the fund): the donor trace's link."""

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="allocations")
    disbursement = models.ForeignKey(Disbursement, on_delete=models.PROTECT, related_name="allocations")
    amount_fen = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="allocation_amount_positive")]


class GoodsDonation(models.Model):
    """A gift of goods: pledged online for drop-off, then received into a workstation's stock as a lot."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("已认捐待送达")
        RECEIVED = "received", _("已入库")
        CANCELED = "canceled", _("已取消")

    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="goods_donations"
    )
    donor_name = models.CharField(max_length=100, blank=True)
    workstation = models.ForeignKey("people.Workstation", on_delete=models.PROTECT, related_name="goods_donations")
    category = models.CharField(max_length=32, choices=GoodsCategory.choices)
    item = models.CharField(max_length=40)
    unit = models.CharField(max_length=8)
    condition = models.CharField(max_length=16, choices=GoodsCondition.choices)
    quantity = models.PositiveIntegerField()  # pledged
    received_quantity = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLEDGED)
    idempotency_key = models.CharField(max_length=100)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("物资捐赠")
        verbose_name_plural = _("物资捐赠")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="goods_quantity_positive"),
            models.UniqueConstraint(
                fields=["donor", "idempotency_key"], condition=Q(donor__isnull=False), name="goods_idempotency"
            ),
        ]

    @property
    def item_key(self) -> str:
        return f"{self.category}/{self.item}"


class StockItem(models.Model):
    """One kind of goods at one workstation: the row a reservation locks, and the balance of its movements.

    on_hand = Σ on_hand_delta and reserved = Σ reserved_delta of the item's StockMovement rows, kept so by
    giving.services.goods._move (the only writer of movements), which updates them in the movement's
    transaction while the row is locked. The book stays the record; the balance is what reads use.
    """

    workstation = models.ForeignKey("people.Workstation", on_delete=models.PROTECT, related_name="stock_items")
    category = models.CharField(max_length=32, choices=GoodsCategory.choices)
    item = models.CharField(max_length=40)
    unit = models.CharField(max_length=8)
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workstation", "category", "item"], name="stock_item_unique"),
            # never more reserved than on hand, never negative: the database refuses an over-draw outright
            models.CheckConstraint(condition=Q(reserved__gte=0) & Q(reserved__lte=models.F("on_hand")),
                                   name="stock_item_balance_valid"),
        ]
        indexes = [
            # matching's candidate search: items of some kinds with units available (a few per workstation)
            models.Index(fields=["category", "item", "workstation"], name="stock_item_available_idx",
                         condition=Q(on_hand__gt=models.F("reserved"))),
        ]

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def item_key(self) -> str:
        return f"{self.category}/{self.item}"


class StockReservation(models.Model):
    """Goods reserved for a household need (by a match), then dispatched and delivered, or released."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("已预留")
        RELEASED = "released", _("已释放")
        DISPATCHED = "dispatched", _("已发出")
        DELIVERED = "delivered", _("已送达")

    stock_item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="reservations")
    need_id = models.BigIntegerField(db_index=True)
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RESERVED)
    idempotency_key = models.CharField(max_length=160, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive")]


class StockMovement(models.Model):
    """One append-only line of a workstation's stock book. on_hand = Σ on_hand_delta, reserved = Σ reserved_delta.

    | kind        | on_hand_delta | reserved_delta |
    | received    | +q            | 0              |
    | reserved    | 0             | +q             |
    | released    | 0             | −q             |
    | dispatched  | −q            | −q             |
    | delivered   | 0             | 0              |  (a record that the dispatched goods arrived)
    | written_off | −q            | 0              |  (damaged, expired: with a reason)
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("入库")
        RESERVED = "reserved", _("预留")
        RELEASED = "released", _("释放")
        DISPATCHED = "dispatched", _("发出")
        DELIVERED = "delivered", _("送达")
        WRITTEN_OFF = "written_off", _("报损")

    stock_item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="movements")
    lot = models.ForeignKey(GoodsDonation, on_delete=models.PROTECT, related_name="movements")
    reservation = models.ForeignKey(
        StockReservation, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    quantity = models.PositiveIntegerField()
    on_hand_delta = models.IntegerField()
    reserved_delta = models.IntegerField()
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["stock_item", "lot"], name="stock_movement_item_lot_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="movement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(kind="received", on_hand_delta=models.F("quantity"), reserved_delta=0)
                | Q(kind="reserved", on_hand_delta=0, reserved_delta=models.F("quantity"))
                | Q(kind="released", on_hand_delta=0, reserved_delta=-models.F("quantity"))
                | Q(kind="dispatched", on_hand_delta=-models.F("quantity"), reserved_delta=-models.F("quantity"))
                | Q(kind="delivered", on_hand_delta=0, reserved_delta=0)
                | Q(kind="written_off", on_hand_delta=-models.F("quantity"), reserved_delta=0),
                name="movement_deltas_match_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="written_off") | ~Q(reason=""), name="movement_write_off_has_reason"
            ),
        ]


class ServicePledge(models.Model):
    """捐服务: a resident or a company offers a skill for some hours a month within a region."""

    class PledgerKind(models.TextChoices):
        RESIDENT = "resident", _("居民")
        COMPANY = "company", _("企业/机构")

    pledger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_pledges")
    pledger_kind = models.CharField(max_length=16, choices=PledgerKind.choices, default=PledgerKind.RESIDENT)
    organisation_name = models.CharField(max_length=100, blank=True)
    service_type = models.CharField(max_length=32, choices=ServiceType.choices)
    description = models.CharField(max_length=500, blank=True)
    minutes_per_month = models.PositiveIntegerField()
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")  # reach: subtree
    active = models.BooleanField(default=True)
    idempotency_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("服务认捐")
        verbose_name_plural = _("服务认捐")
        constraints = [
            models.CheckConstraint(condition=Q(minutes_per_month__gt=0), name="pledge_minutes_positive"),
            models.UniqueConstraint(fields=["pledger", "idempotency_key"], name="pledge_idempotency"),
        ]


class DonationTraceEvent(models.Model):
    """One step on a gift's path (append-only). Shown to the donor; never names a household member."""

    class Stage(models.TextChoices):
        RECEIVED = "received", _("已收到")
        EARMARKED = "earmarked", _("已进入定向资金")
        MATCHED = "matched", _("已匹配到需求/项目")
        DISPATCHED = "dispatched", _("已发放/已拨付")
        DELIVERED = "delivered", _("已送达/已使用")
        RELEASED = "released", _("匹配已撤销")
        REFUNDED = "refunded", _("已退款")
        CANCELED = "canceled", _("已取消")

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="trace")
    goods_donation = models.ForeignKey(
        GoodsDonation, on_delete=models.PROTECT, null=True, blank=True, related_name="trace"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices)
    at = models.DateTimeField(db_index=True)
    community = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    need_id = models.BigIntegerField(null=True, blank=True)
    project_id = models.BigIntegerField(null=True, blank=True)
    beneficiary = models.CharField(max_length=200, blank=True)  # anonymised: "低保家庭 · 70-79岁" or a project name
    amount_fen = models.BigIntegerField(null=True, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(donation__isnull=False, goods_donation__isnull=True)
                | Q(donation__isnull=True, goods_donation__isnull=False),
                name="trace_one_gift",
            )
        ]
