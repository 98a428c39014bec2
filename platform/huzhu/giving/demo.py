"""Demo giving: offline and (fake-succeeded) online gifts with earmarks, a few disbursements, goods in stock
at every workstation with their trace, and service pledges. Deterministic (ctx.rng only), no Stripe needed,
no emails: the gifts go through the real services, so the ledger, receipts and traces are real."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from . import services
from .models import Donation
from .selectors import fund_candidates_for_need, stock_candidates_for_need
from .taxonomy import ITEMS, NeedCategory, ServiceType

MESSAGES = ["", "", "一点心意,祝早日康复", "愿孩子们学业进步", "天冷了,给老人添件棉衣", "邻里互助,温暖社区", ""]


def _earmark(ctx: Any, street_code: str, money_needs: list[int]) -> services.Earmark | None:
    roll = ctx.rng.random()
    if roll < 0.35:
        return None
    if roll < 0.6:
        return services.Earmark(category=ctx.rng.choice(NeedCategory.values))
    if roll < 0.8:
        community = ctx.regions.get(f"{street_code}-c{ctx.rng.randint(1, 4)}")
        return services.Earmark(region_id=(community or ctx.regions[street_code]).pk)
    if money_needs:
        return services.Earmark(need_id=ctx.rng.choice(money_needs))
    return None


def _safe(fn: Any, **kwargs: Any) -> Any:
    """A demo step that a rule refuses (e.g. an earmark for a need that closed) is skipped, not fatal."""
    from huzhu.core.errors import ServiceError

    try:
        return fn(**kwargs)
    except ServiceError:
        return None


def load(ctx: Any) -> None:
    streets = [code for code in ("jiangchuan", "gumei", "xinzhuang") if code in ctx.workstations]
    money_needs = list(ctx.data.get("needs_by_kind", {}).get("money", []))
    goods_needs = list(ctx.data.get("needs_by_kind", {}).get("goods", []))
    donors = [ctx.users[k] for k in sorted(ctx.users) if k.startswith("donor-")]
    now = timezone.now()

    # Offline gifts recorded by each workstation's staff.
    for street in streets:
        staff, ws = ctx.users[f"staff-{street}"], ctx.workstations[street]
        for i in range(12):
            _safe(services.offline_donation_record, actor=staff, workstation_id=ws.pk,
                  channel=ctx.rng.choice(["cash", "bank_transfer"]), amount_fen=ctx.rng.choice(
                      [5_000, 10_000, 20_000, 50_000, 100_000, 200_000]),
                  donor_name=ctx.rng.choice(["", "爱心企业", "张先生", "李女士", "社区居民"]),
                  message=ctx.rng.choice(MESSAGES), anonymous=ctx.rng.random() < 0.3,
                  earmark=_earmark(ctx, street, money_needs), idempotency_key=f"demo-offline-{street}-{i}",
                  announce=False)
    ctx.advance("giving: offline gifts", 1)

    # Online gifts as if Stripe's webhook had arrived (the demo runs without Stripe).
    for i in range(45):
        donor = ctx.rng.choice(donors) if donors else None
        if donor is None:
            break
        fund = _safe(services.fund_for_earmark, earmark=_earmark(ctx, ctx.rng.choice(streets), money_needs))
        if fund is None:
            continue
        donation = Donation.objects.create(
            donor=donor, channel=Donation.Channel.ONLINE, amount_fen=ctx.rng.choice([1_000, 5_000, 10_000, 20_000,
                                                                                   50_000]),
            fund=fund, message=ctx.rng.choice(MESSAGES), anonymous=ctx.rng.random() < 0.4,
            idempotency_key=f"demo-online-{i}", stripe_payment_intent_id=f"pi_demo_{i:04d}",
        )
        services.donation_succeed(donation, at=now - timedelta(days=ctx.rng.randint(0, 150)), announce=False)
    ctx.advance("giving: online gifts", 1)

    # Some of the money reaches households: need-earmarked gifts to their need, the general fund to others.
    general = services.general_fund()
    for i, need_id in enumerate(money_needs[:8]):
        fund_account = general.ledger_account_id
        offers = fund_candidates_for_need(need_id=need_id)
        if offers:
            fund_account = offers[0].fund_account
            amount = min(offers[0].available_fen, 30_000)
            paid = _safe(services.fund_disburse, actor=None, fund_account=fund_account, amount_fen=amount,
                         need_id=need_id, idempotency_key=f"demo-disburse-{i}")
            if paid is not None and i % 2 == 0:
                services.disbursement_mark_used(actor=None, disbursement_id=paid.pk, note="已用于生活开支")

    # Goods: walk-in gifts and donor pledges at every workstation; a few reserved and delivered to needs.
    for street in streets:
        staff, ws = ctx.users[f"staff-{street}"], ctx.workstations[street]
        for j, item in enumerate(ctx.rng.sample(ITEMS, 8)):
            services.goods_receive(actor=staff, workstation_id=ws.pk, quantity=ctx.rng.randint(3, 30),
                                   item_key=item.key, condition=ctx.rng.choice(["new", "like_new"]),
                                   donor_name=ctx.rng.choice(["", "爱心超市", "居民"]),
                                   idempotency_key=f"demo-walkin-{street}-{j}")
        for j in range(4):
            if not donors:
                break
            donor = ctx.rng.choice(donors)
            item = ctx.rng.choice(ITEMS)
            pledge = services.goods_pledge_create(actor=donor, workstation_id=ws.pk, item_key=item.key,
                                                  quantity=ctx.rng.randint(1, 6), condition="like_new",
                                                  message=ctx.rng.choice(MESSAGES),
                                                  idempotency_key=f"demo-pledge-{street}-{j}")
            if j < 3:
                services.goods_receive(actor=staff, workstation_id=ws.pk, quantity=pledge.quantity,
                                       pledge_id=pledge.pk)

    delivered = 0
    for k, need_id in enumerate(goods_needs):
        if delivered >= 6:
            break
        stock_offers = stock_candidates_for_need(need_id=need_id)
        if not stock_offers:
            continue
        offer = stock_offers[0]
        reservation = _safe(services.stock_reserve, actor=None, workstation_id=offer.workstation_id,
                            item_key=offer.item_key, quantity=1, need_id=need_id,
                            idempotency_key=f"demo-reserve-{k}")
        if reservation is not None:
            services.stock_dispatch(actor=None, reservation_id=reservation.pk)
            if delivered % 2 == 0:
                services.stock_deliver(actor=None, reservation_id=reservation.pk, note="已签收")
            delivered += 1
    ctx.advance("giving: goods stock", 1)

    # Service pledges: residents and a company offer skills for hours a month.
    for i, donor in enumerate(donors[:10]):
        street = ctx.rng.choice(streets)
        services.service_pledge_create(
            actor=donor, service_type=ctx.rng.choice(ServiceType.values), minutes_per_month=ctx.rng.choice(
                [120, 240, 480, 600]), region_id=ctx.regions[street].pk,
            pledger_kind="company" if i == 0 else "resident", organisation_name="闵行爱心律师事务所" if i == 0 else "",
            description="每月固定时间上门服务", idempotency_key=f"demo-service-{i}",
        )
    ctx.advance("giving: pledges", 1)
