"""Reads of giving, always scoped to the caller; plus the supply lists matching reads (no actor: trusted)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Collate, TruncMonth
from django.utils import timezone

from huzhu.people import access
from huzhu.people.models import Role, User, Workstation
from huzhu.regions.models import Region

from .errors import GivingError, GivingErrorCode
from .models import (
    Disbursement,
    Donation,
    DonationRefund,
    DonationTraceEvent,
    Fund,
    GoodsDonation,
    RecurringDonation,
    ServicePledge,
    StockItem,
    StockMovement,
)
from .targets import need_info, project_names
from .taxonomy import ITEMS_BY_KEY, NeedCategory, item_keys_for_need

STOCK_ROLES = (Role.WORKSTATION_STAFF, Role.SOCIAL_WORKER, Role.ADMINISTRATOR)


# --- donors' own gifts ----------------------------------------------------------------------------------


def _trace_prefetch() -> Prefetch:
    return Prefetch("trace", queryset=DonationTraceEvent.objects.select_related("community").order_by("at", "id"))


def donation_list_mine(*, actor: User) -> QuerySet[Donation]:
    """The donor's gifts, newest first, with their traces in one extra query per page."""
    return (Donation.objects.filter(donor_id=actor.pk).select_related("fund", "fund__region")
            .prefetch_related(_trace_prefetch()).order_by("-created_at", "-id"))


def donation_list_staff(*, actor: User) -> QuerySet[Donation]:
    """Offline gifts recorded in the actor's region (staff), every gift (administrator)."""
    if access.has_role(actor, Role.ADMINISTRATOR):
        return Donation.objects.select_related("fund").order_by("-created_at", "-id")
    return (Donation.objects.filter(access.region_filter(actor, [Role.WORKSTATION_STAFF], "region"))
            .select_related("fund").order_by("-created_at", "-id"))


def donation_get(*, actor: User, donation_id: int) -> Donation:
    """The donor's own gift; staff see those recorded in their region; administrators all. Else NOT_FOUND."""
    donation = Donation.objects.select_related("fund", "fund__region", "donor").filter(pk=donation_id).first()
    if donation is not None and (
        donation.donor_id == actor.pk
        or access.has_role(actor, Role.ADMINISTRATOR)
        or (donation.region is not None and access.has_role(actor, Role.WORKSTATION_STAFF, donation.region))
    ):
        return donation
    raise GivingError(GivingErrorCode.NOT_FOUND, field="id")


def trace_of(donation: Donation | GoodsDonation) -> QuerySet[DonationTraceEvent]:
    qs = DonationTraceEvent.objects.select_related("community")
    if isinstance(donation, Donation):
        return qs.filter(donation=donation).order_by("at", "id")
    return qs.filter(goods_donation=donation).order_by("at", "id")


def goods_donation_list_mine(*, actor: User) -> QuerySet[GoodsDonation]:
    return (GoodsDonation.objects.filter(donor_id=actor.pk).select_related("workstation")
            .prefetch_related(_trace_prefetch()).order_by("-created_at", "-id"))


def service_pledge_list_mine(*, actor: User) -> QuerySet[ServicePledge]:
    return ServicePledge.objects.filter(pledger_id=actor.pk).select_related("region").order_by("-created_at", "-id")


def recurring_list_mine(*, actor: User) -> QuerySet[RecurringDonation]:
    return RecurringDonation.objects.filter(donor_id=actor.pk).select_related("fund").order_by("-created_at", "-id")


def goods_pledges_at(*, actor: User, workstation_id: int) -> QuerySet[GoodsDonation]:
    """Pledges awaiting drop-off and received lots at a workstation the actor staffs."""
    workstation = workstation_for_stock(actor=actor, workstation_id=workstation_id)
    return (GoodsDonation.objects.filter(workstation=workstation).select_related("workstation")
            .order_by("-created_at", "-id"))


# --- stock ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    stock_item: StockItem
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def item_key(self) -> str:
        return self.stock_item.item_key

    @property
    def name(self) -> str:
        item = ITEMS_BY_KEY.get(self.item_key)
        return item.name if item else self.item_key


def workstation_for_stock(*, actor: User, workstation_id: int) -> Workstation:
    workstation = Workstation.objects.select_related("region").filter(pk=workstation_id).first()
    if workstation is None or not access.has_role(actor, STOCK_ROLES, workstation.region):
        raise GivingError(GivingErrorCode.NOT_FOUND, field="workstationId")
    return workstation


def stock_rows(*, workstation: Workstation, item_key: str | None = None) -> list[StockRow]:
    """On-hand and reserved per item (the items' balances, kept equal to the sums of their movements)."""
    items = StockItem.objects.filter(workstation=workstation)
    if item_key is not None:
        category, _, item = item_key.partition("/")
        items = items.filter(category=category, item=item)
    rows = []
    for stock_item in items:
        stock_item.workstation = workstation
        rows.append(StockRow(stock_item=stock_item, on_hand=stock_item.on_hand, reserved=stock_item.reserved))
    return sorted(rows, key=lambda r: r.item_key)


@dataclass(frozen=True)
class StockDrift:
    stock_item_id: int
    balance: tuple[int, int]  # (on_hand, reserved) on the StockItem row
    book: tuple[int, int]  # the same summed from its movements


def stock_balance_drift(*, stock_item_ids: list[int] | None = None) -> list[StockDrift]:
    """Items whose balance differs from the sum of their movements (the answer must always be empty).
    One GROUP BY over the book: a check for tests, the benchmark and operators, not for request paths."""
    items = StockItem.objects.all() if stock_item_ids is None else StockItem.objects.filter(pk__in=stock_item_ids)
    balances = {pk: (o, r) for pk, o, r in items.values_list("pk", "on_hand", "reserved")}
    movements = StockMovement.objects.all()
    if stock_item_ids is not None:
        movements = movements.filter(stock_item_id__in=stock_item_ids)
    book = {row["stock_item_id"]: (row["o"], row["r"]) for row in movements.values("stock_item_id").annotate(
        o=Sum("on_hand_delta"), r=Sum("reserved_delta")).order_by()}
    return [StockDrift(stock_item_id=pk, balance=balance, book=book.get(pk, (0, 0)))
            for pk, balance in sorted(balances.items()) if balance != book.get(pk, (0, 0))]


def stock_list(*, actor: User, workstation_id: int) -> list[StockRow]:
    return stock_rows(workstation=workstation_for_stock(actor=actor, workstation_id=workstation_id))


def stock_movement_list(*, actor: User, workstation_id: int, item_key: str | None = None) -> QuerySet[StockMovement]:
    workstation = workstation_for_stock(actor=actor, workstation_id=workstation_id)
    qs = StockMovement.objects.filter(stock_item__workstation=workstation)
    if item_key:
        category, _, item = item_key.partition("/")
        qs = qs.filter(stock_item__category=category, stock_item__item=item)
    return qs.select_related("stock_item", "lot").order_by("-created_at", "-id")


# --- what matching reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundOffer:
    fund: Fund
    fund_account: int  # the ledger account id fund_hold / fund_disburse take
    available_fen: int


def fund_candidates_for_need(*, need_id: int) -> list[FundOffer]:
    """Funds whose earmark covers the need and that have money available, most specific earmark first
    (the need's own fund, then region, category, and the general fund last)."""
    from ledger import api

    from .services import fund_allows

    need = need_info(need_id)
    if need is None:
        return []
    ancestors = need.region.ancestor_ids()
    candidates = Fund.objects.filter(
        Q(kind=Fund.Kind.GENERAL) | Q(kind=Fund.Kind.NEED, need_id=need.id)
        | Q(kind=Fund.Kind.REGION, region_id__in=ancestors)
        | Q(kind=Fund.Kind.CATEGORY, category__in=list(need.categories))
    ).select_related("region")
    funds = [f for f in candidates if fund_allows(f, need=need)]
    balances = api.balances([f.ledger_account_id for f in funds]) if funds else {}
    order: dict[str, int] = {Fund.Kind.NEED: 0, Fund.Kind.REGION: 1, Fund.Kind.CATEGORY: 2, Fund.Kind.GENERAL: 3}
    offers = [FundOffer(fund=f, fund_account=f.ledger_account_id, available_fen=int(balances[f.ledger_account_id]
                                                                                     .available))
              for f in funds if f.ledger_account_id in balances]
    return sorted([o for o in offers if o.available_fen > 0],
                  key=lambda o: (order.get(o.fund.kind, 9), -(o.fund.region.depth if o.fund.region else 0)))


def fund_candidates_for_project(*, project_id: int) -> list[FundOffer]:
    """The project's own fund and the general fund, with what they have available."""
    from ledger import api

    funds = list(Fund.objects.filter(Q(kind=Fund.Kind.PROJECT, project_id=project_id) | Q(kind=Fund.Kind.GENERAL))
                 .order_by("kind"))
    balances = api.balances([f.ledger_account_id for f in funds]) if funds else {}
    offers = [FundOffer(fund=f, fund_account=f.ledger_account_id,
                        available_fen=int(balances[f.ledger_account_id].available))
              for f in funds if f.ledger_account_id in balances]
    return sorted([o for o in offers if o.available_fen > 0], key=lambda o: o.fund.kind != Fund.Kind.PROJECT)


@dataclass(frozen=True)
class StockOffer:
    workstation_id: int
    region_path: str
    item_key: str
    available: int


def stock_candidates_for_need(*, need_id: int, region: Region | None = None, min_available: int = 1,
                              nearest_first: bool = False, limit: int | None = None,
                              only: tuple[int, str] | None = None) -> list[StockOffer]:
    """Stock that could meet a goods need: items its category and item text map to, with at least
    `min_available` units available, at workstations within `region` (default: the need's street); `only`
    (workstation id, item key) narrows it to one stock line.

    Order: most available first by default. nearest_first: workstations in the need's own community, then
    in its street, then the rest; within each, by workstation id and item key (as strings compare in Python) —
    with `limit`, the database keeps only that many, so a need in a street with a thousand fitting stock lines
    reads a handful of rows.

    Two queries: the need's goods fields and region path, then the items' balances through the partial index
    stock_item_available_idx (kinds × units available) joined to the workstations' regions. No movement sums.
    """
    from huzhu.households.models import Need

    need = (Need.objects.filter(pk=need_id)
            .values("kind", "goods_category", "goods_item", "household__region__path").first())
    if need is None or need["kind"] != "goods":
        return []
    keys = item_keys_for_need(need["goods_category"], need["goods_item"])
    if only is not None:
        keys = [k for k in keys if k == only[1]]
    if not keys:
        return []
    parts = [p for p in need["household__region__path"].split(".") if p]
    # the street the need lies in (or its district, for a need registered at district level)
    reach = region.path if region is not None else ".".join(parts[:2]) + "."
    q = Q(pk__in=[])
    for key in keys:
        category, _, item = key.partition("/")
        q |= Q(category=category, item=item)
    qs = (StockItem.objects.filter(q, on_hand__gt=F("reserved"), workstation__region__path__startswith=reach)
          .filter(on_hand__gte=F("reserved") + max(1, min_available)))
    if only is not None:
        qs = qs.filter(workstation_id=only[0])
    columns = ("workstation_id", "workstation__region__path", "category", "item", "on_hand", "reserved")
    if nearest_first:
        near = [When(workstation__region__path__startswith=".".join(parts[:depth]) + ".", then=Value(depth))
                for depth in (3, 2) if len(parts) >= depth]
        rows = (qs.annotate(nearness=Case(*near, default=Value(0), output_field=IntegerField()))
                .order_by("-nearness", "workstation_id", Collate("category", "C"), Collate("item", "C"))
                .values_list(*columns))
        return [StockOffer(workstation_id=ws, region_path=path, item_key=f"{category}/{item}",
                           available=on_hand - reserved)
                for ws, path, category, item, on_hand, reserved in (rows if limit is None else rows[:limit])]
    offers = [StockOffer(workstation_id=ws, region_path=path, item_key=f"{category}/{item}",
                         available=on_hand - reserved)
              for ws, path, category, item, on_hand, reserved in qs.values_list(*columns)]
    return sorted(offers, key=lambda o: (-o.available, o.workstation_id, o.item_key))[:limit]


def service_pledges_for(*, service_type: str, region: Region) -> QuerySet[ServicePledge]:
    """Active pledges of this service whose reach (a region subtree) includes `region`."""
    return (ServicePledge.objects.filter(active=True, service_type=service_type, region_id__in=region.ancestor_ids())
            .select_related("region", "pledger").order_by("created_at", "id"))


# --- the public disclosure (慈善信息公开): aggregates only, no personal data ------------------------------


@dataclass
class DisclosureLine:
    month: str  # "2026-11"
    target: str  # "慈善总基金", "慈善项目:…", "北街道1社区 · 困难家庭需求"
    amount_fen: int = 0
    count: int = 0


@dataclass
class Disclosure:
    income: list[DisclosureLine] = field(default_factory=list)
    disbursements: list[DisclosureLine] = field(default_factory=list)
    refunds_fen: int = 0
    total_income_fen: int = 0
    total_disbursed_fen: int = 0
    goods_received: list[tuple[str, str, int]] = field(default_factory=list)  # (month, item name, units)
    generated_at: str = ""


def _fund_label(fund: Fund, projects: dict[int, str]) -> str:
    if fund.kind == Fund.Kind.GENERAL:
        return "慈善总基金(非定向)"
    if fund.kind == Fund.Kind.PROJECT:
        return f"慈善项目:{projects.get(fund.project_id or 0, f'项目 #{fund.project_id}')}"
    if fund.kind == Fund.Kind.CATEGORY:
        return f"定向:{NeedCategory(fund.category).label}"
    if fund.kind == Fund.Kind.REGION:
        return f"定向:{fund.region.name if fund.region else ''}"
    return "定向:困难家庭个案需求"  # never which household


def public_disclosure(*, year: int | None = None) -> Disclosure:
    """Income per earmark and month, disbursements per project / community and month, goods received per
    item and month. Counts and sums only: no donor, no household, no amount of a single identifiable gift
    other than a project's total."""
    year = year or timezone.localdate().year
    funds = {f.pk: f for f in Fund.objects.select_related("region")}
    project_ids = {int(f.project_id) for f in funds.values() if f.project_id} | {
        int(p) for p in Disbursement.objects.filter(project_id__isnull=False).values_list("project_id", flat=True) if p}
    projects = project_names(project_ids)
    out = Disclosure(generated_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"))
    income = (Donation.objects.filter(status=Donation.Status.SUCCEEDED, succeeded_at__year=year)
              .annotate(m=TruncMonth("succeeded_at")).values("m", "fund_id")
              .annotate(s=Sum("amount_fen"), n=Count("id")).order_by("m", "fund_id"))
    for row in income:
        out.income.append(DisclosureLine(month=row["m"].strftime("%Y-%m"),
                                         target=_fund_label(funds[row["fund_id"]], projects),
                                         amount_fen=row["s"], count=row["n"]))
    out.refunds_fen = DonationRefund.objects.filter(created_at__year=year).aggregate(s=Sum("amount_fen"))["s"] or 0
    out.total_income_fen = sum(line.amount_fen for line in out.income) - out.refunds_fen
    paid = (Disbursement.objects.filter(status=Disbursement.Status.DISBURSED, disbursed_at__year=year)
            .annotate(m=TruncMonth("disbursed_at")).values("m", "project_id", "region__name")
            .annotate(s=Sum("amount_fen"), n=Count("id")).order_by("m", "project_id", "region__name"))
    for row in paid:
        if row["project_id"]:
            target = f"慈善项目:{projects.get(row['project_id'], '项目 #' + str(row['project_id']))}"
        else:
            target = f"{row['region__name'] or ''} · 困难家庭需求"
        out.disbursements.append(DisclosureLine(month=row["m"].strftime("%Y-%m"), target=target,
                                                amount_fen=row["s"], count=row["n"]))
    out.total_disbursed_fen = sum(line.amount_fen for line in out.disbursements)
    goods = (StockMovement.objects.filter(kind=StockMovement.Kind.RECEIVED, created_at__year=year)
             .annotate(m=TruncMonth("created_at")).values("m", "stock_item__category", "stock_item__item")
             .annotate(q=Sum("quantity")).order_by("m", "stock_item__category", "stock_item__item"))
    grouped: dict[tuple[str, str], int] = defaultdict(int)
    for row in goods:
        key = f"{row['stock_item__category']}/{row['stock_item__item']}"
        item = ITEMS_BY_KEY.get(key)
        grouped[(row["m"].strftime("%Y-%m"), item.name if item else key)] += row["q"]
    out.goods_received = [(m, name, q) for (m, name), q in sorted(grouped.items())]
    return out
