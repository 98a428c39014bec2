"""Match proposals (supply → need, with score and explanation), the admin's rules, and optimal rounds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MatchingRules(models.Model):
    """The administrator's scoring weights and fairness cap (a single row, id=1)."""

    weights = models.JSONField(_("评分权重"), default=dict, blank=True)
    monthly_cap_per_household = models.PositiveSmallIntegerField(_("每户每月最多受助次数"), default=3)
    top_k = models.PositiveSmallIntegerField(_("每次提出的候选数"), default=5)
    round_candidates_per_need = models.PositiveSmallIntegerField(_("轮次匹配每个需求的候选数"), default=8)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("匹配规则")
        verbose_name_plural = _("匹配规则")

    def __str__(self) -> str:
        return "matching rules"


class SupplyKind(models.TextChoices):
    GOODS = "goods", _("物资")
    MONEY = "money", _("钱款")
    SERVICE = "service", _("服务")


class MatchRound(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    needs = models.PositiveIntegerField(default=0)
    supplies = models.PositiveIntegerField(default=0)
    arcs = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    total_score = models.BigIntegerField(default=0)
    greedy_score = models.BigIntegerField(default=0)
    # Milliseconds per phase: candidate search, graph building + solving, writing proposals.
    timings_ms = models.JSONField(default=dict)
    error = models.CharField(max_length=500, blank=True)


class MatchProposal(models.Model):
    """One supply proposed for one need. At most one proposal per need is `proposed` at a time."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        ACCEPTED = "accepted", _("已接受")
        REJECTED = "rejected", _("已拒绝")
        SUPERSEDED = "superseded", _("已作废")
        DISPATCHED = "dispatched", _("已发放")
        DELIVERED = "delivered", _("已送达")

    class Source(models.TextChoices):
        ONLINE = "online", _("实时")
        ROUND = "round", _("轮次")

    need = models.ForeignKey("households.Need", on_delete=models.CASCADE, related_name="match_proposals")
    household_id = models.BigIntegerField(db_index=True)  # denormalised: fairness counts per household
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")  # the need's region
    supply_kind = models.CharField(max_length=16, choices=SupplyKind.choices)
    # The supply, by kind: a stock item key at a workstation, a fund's ledger account, or a service pledge.
    workstation = models.ForeignKey("people.Workstation", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    item_key = models.CharField(max_length=80, blank=True)
    fund_account = models.BigIntegerField(null=True, blank=True)
    pledge = models.ForeignKey("giving.ServicePledge", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    supply_key = models.CharField(max_length=120)  # "goods:<ws>:<item key>", "money:<account>", "service:<id>"
    supply_region_path = models.CharField(max_length=255, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    amount_fen = models.BigIntegerField(null=True, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    score = models.IntegerField()
    components = models.JSONField(default=list)  # [{"code", "points", "params"}], summing to score
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ONLINE)
    round = models.ForeignKey(MatchRound, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="proposals")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # What accepting reserved: a stock reservation, a fund hold (disbursement) or a service task.
    reservation_id = models.BigIntegerField(null=True, blank=True)
    disbursement_id = models.BigIntegerField(null=True, blank=True)
    task_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "region"], name="match_status_region_idx"),
            models.Index(fields=["household_id", "decided_at"], name="match_household_decided_idx",
                         condition=Q(status__in=["accepted", "dispatched", "delivered"])),
        ]
        constraints = [
            models.UniqueConstraint(fields=["need"], condition=Q(status="proposed"),
                                    name="match_one_open_proposal_per_need"),
            models.CheckConstraint(condition=Q(score__gte=-1000, score__lte=1000), name="match_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.supply_key} → need {self.need_id} ({self.score})"
