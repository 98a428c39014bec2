"""Demo time bank: accounts for the 300 demo volunteers with two years of confirmed service (a few with stars,
one above the storage cap), elders registered by staff, pool donations and allotments, links and gifts, and
redemptions in every state (some left open for the volunteering app to turn into tasks).

The earned history is posted through the ledger's batch API (one round trip per 1,000 transfers) with the
same rules as earn_service_minutes (storage cap split, EarnRecord, PoolDonation, EarnedTotal); everything
after it goes through the services.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ledger import api as ledger_api

from . import accounts, services
from .errors import TimeBankError
from .models import EarnedTotal, EarnRecord, PoolDonation, TimeBankMember
from .rules import rules_get

STREETS = ("jiangchuan", "gumei", "xinzhuang")
SERVICE_MINUTES = (60, 90, 120, 120, 150, 180, 240)
ELDER_NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def load(ctx: Any) -> None:
    rules = rules_get()
    streets = [ctx.regions[code] for code in STREETS]
    today = timezone.localdate()
    users = [ctx.users[f"vol-{i}"] for i in range(300)]
    profiles = {p.user_id: p for p in _profiles(users)}

    # --- members and accounts ---------------------------------------------------------------------------
    # The volunteering step (before this one) may already have credited some volunteers through
    # earn_service_minutes, which opened their accounts: keep those, open the others.
    existing = {m.user_id: m for m in TimeBankMember.objects.filter(user__in=users)}
    members: list[TimeBankMember] = []
    fresh: list[TimeBankMember] = []
    for i, user in enumerate(users):
        if user.pk in existing:
            members.append(existing[user.pk])
            continue
        street = streets[i % 3]
        profile = profiles.get(user.pk)
        member = TimeBankMember(
            user=user, display_name=user.display_name or user.email, street=street,
            region=profile.home_community if profile else street, birth_year=profile.birth_year if profile else None,
        )
        member.account_id = accounts.member_account_id(
            code=f"tb:vol:{user.pk}", name=member.display_name, group=accounts.volunteers_group(street.pk),
        )
        members.append(member)
        fresh.append(member)
    TimeBankMember.objects.bulk_create(fresh)
    EarnedTotal.objects.bulk_create([EarnedTotal(member=m, minutes=0) for m in fresh])
    account_ids = [int(m.account_id or 0) for m in members]
    start_balance = {acc: bal.posted for acc, bal in ledger_api.balances(account_ids).items()}
    ctx.advance("时间银行 accounts", len(members))

    # --- two years of confirmed service, through the ledger's batch API -----------------------------------
    issuer = accounts.issuer_account_id()
    pools = {s.pk: accounts.pool_account_id(s) for s in streets}
    organisations = {s.pk: (f"{s.name}为老服务中心", f"{s.name}志愿者协会", settings.HUZHU_ORGANISATION_NAME)
                     for s in streets}
    social_workers = {s.pk: [ctx.users[f"sw-{i}"] for i in range(20) if i % 3 == k] for k, s in enumerate(streets)}
    pending: list[tuple[EarnRecord, ledger_api.TransferRequest | None, ledger_api.TransferRequest | None]] = []
    earned: dict[int, int] = {}
    user_of = {id(m): u for m, u in zip(members, users, strict=True)}
    for i, member in enumerate(members):
        user = user_of[id(member)]
        # Most volunteers served a little; every 25th is a regular (stars); vol-0 is above the storage cap.
        count = ctx.rng.randint(0, 12)
        if i % 25 == 0:
            count = ctx.rng.randint(40, 120)
        if i == 0:
            count = 420
        balance = start_balance.get(int(member.account_id or 0), 0)
        for n in range(count):
            minutes = ctx.rng.choice(SERVICE_MINUTES) * (2 if i == 0 else 1)
            street = member.street if ctx.rng.random() < 0.85 else ctx.rng.choice(streets)
            served_on = today - timedelta(days=ctx.rng.randint(1, 730))
            credited = min(minutes, max(0, rules.storage_cap_minutes - balance))
            donated = minutes - credited
            balance += credited
            key = f"demo:{user.pk}:{n}"
            sw = ctx.rng.choice(social_workers[street.pk])
            org = ctx.rng.choice(organisations[street.pk])
            memo = {"earn_key": key, "organisation": org, "service_date": served_on.isoformat(),
                    "confirmed_by": sw.pk, "member_user": user.pk}
            credit_req = ledger_api.TransferRequest(
                client_id=f"tb:earn:{key}", debit_account_id=issuer, credit_account_id=member.account_id,  # type: ignore[arg-type]
                amount=credited, ledger=ledger_api.Ledger.TIME, code="tb_earn", memo=memo,
            ) if credited else None
            donate_req = ledger_api.TransferRequest(
                client_id=f"tb:earn:{key}:overflow", debit_account_id=issuer, credit_account_id=pools[street.pk],
                amount=donated, ledger=ledger_api.Ledger.TIME, code="tb_earn_overflow",
                memo={**memo, "kind": "overflow_donation"},
            ) if donated else None
            record = EarnRecord(
                idempotency_key=key, member=member, minutes=minutes, credited_minutes=credited,
                donated_minutes=donated, street=street, organisation_name=org, service_date=served_on,
                confirmed_by=sw, memo="演示数据",
            )
            pending.append((record, credit_req, donate_req))
            earned[member.pk] = earned.get(member.pk, 0) + minutes
    for start in range(0, len(pending), 1000):
        chunk = pending[start:start + 1000]
        requests = [r for _rec, c, d in chunk for r in (c, d) if r is not None]
        results = iter(accounts.post(requests))
        for record, credit_req, donate_req in chunk:
            if credit_req is not None:
                record.transfer_id = next(results).transfer_id
            if donate_req is not None:
                record.donation_transfer_id = next(results).transfer_id
        ctx.advance("时间银行 earned", len(chunk))
    records = EarnRecord.objects.bulk_create([rec for rec, _c, _d in pending])
    PoolDonation.objects.bulk_create([
        PoolDonation(street=rec.street, donor=rec.member, kind=PoolDonation.Kind.OVERFLOW, minutes=rec.donated_minutes,
                     transfer_id=rec.donation_transfer_id or 0, earn_record=rec)
        for rec in records if rec.donated_minutes
    ])
    for member_pk, minutes in earned.items():
        EarnedTotal.objects.filter(member_id=member_pk).update(minutes=F("minutes") + minutes)

    # --- elders registered by staff (代办), volunteers' gifts to the pools, allotment ----------------------
    for k, street in enumerate(streets):
        staff = ctx.users[f"staff-{street.code}"]
        communities = [r for code, r in ctx.regions.items()
                       if code.startswith(street.code + "-c") and r.level == "community"]
        for j in range(10):
            age = ctx.rng.choice((62, 66, 71, 75, 78, 81, 84, 86, 89, 93))
            services.member_register(
                actor=staff, display_name=f"{ctx.rng.choice(ELDER_NAMES)}{'奶奶' if j % 2 else '爷爷'}",
                region=ctx.rng.choice(communities), birth_year=today.year - age,
                lives_alone=ctx.rng.random() < 0.5, disabled=ctx.rng.random() < 0.25,
                minimum_living=ctx.rng.random() < 0.2, hardship=ctx.rng.random() < 0.1,
            )
        donors = [m for m in members[k::3] if m.pk in earned and earned[m.pk] >= 600][:5]
        for n, donor in enumerate(donors):
            services.timebank_give(actor=_user(donor), minutes=ctx.rng.choice((120, 180, 240)),
                                   idempotency_key=f"demo:pool:{street.code}:{n}", to_pool_street=street)
        with contextlib.suppress(TimeBankError):  # an empty pool or no key elder here: nothing to allot
            services.pool_allot(actor=staff, street=street, batch_key=f"demo:{street.code}:{today.year}",
                                minutes_each=120)
    ctx.advance("时间银行 pools", 3)

    # --- links between volunteers, and a gift along each --------------------------------------------------
    rich = [m for m in members[1:] if earned.get(m.pk, 0) >= 600]
    for n in range(min(8, len(rich) // 2)):
        giver, friend = rich[2 * n], rich[2 * n + 1]
        link = services.link_request(actor=_user(giver), to_member=friend, relation=ctx.rng.choice(("亲属", "朋友")))
        services.link_accept(actor=_user(friend), link_id=link.pk)
        with contextlib.suppress(TimeBankError):
            services.timebank_give(actor=_user(giver), minutes=60, idempotency_key=f"demo:gift:{n}", to_member=friend)

    # --- redemptions: volunteers from 65 and elders, in any street of the district (通存通兑) -------------
    redeemers = [m for m in members if m.birth_year and today.year - m.birth_year >= rules.redemption_age
                 and earned.get(m.pk, 0) >= 300][:12]
    open_ids = []
    for n, redeemer in enumerate(redeemers):
        where = ctx.rng.choice(streets)
        communities = [r for code, r in ctx.regions.items()
                       if code.startswith(where.code + "-c") and r.level == "community"]
        try:
            redemption = services.timebank_redeem(
                actor=_user(redeemer), service_type=ctx.rng.choice(("meal_delivery", "home_visit", "cleaning",
                                                                  "hospital_escort")),
                minutes=ctx.rng.choice((60, 90, 120)), region=ctx.rng.choice(communities),
                idempotency_key=f"demo:redeem:{n}",
            )
        except TimeBankError:  # spent or given away meanwhile
            continue
        staff = ctx.users[f"staff-{where.code}"]
        if n % 3 == 0:
            services.redemption_settle(redemption_id=redemption.pk, delivered=True, actor=staff)
        elif n % 3 == 1 and n % 2:
            services.redemption_cancel(actor=_user(redeemer), redemption_id=redemption.pk)
        else:
            open_ids.append(redemption.pk)
    ctx.data["timebank_open_redemptions"] = open_ids
    # Elders without a phone redeem what the pool allotted them, staff acting for them (代办).
    for street in streets:
        staff = ctx.users[f"staff-{street.code}"]
        elder = (TimeBankMember.objects.filter(street=street, user__isnull=True, pool_allotments__isnull=False,
                                               birth_year__lte=today.year - rules.redemption_age)
                 .order_by("birth_year", "id").first())
        if elder is None:
            continue
        try:
            redemption = services.timebank_redeem(
                actor=staff, on_behalf_of=elder, service_type="home_visit", minutes=60, region=elder.region,
                idempotency_key=f"demo:redeem:elder:{street.code}",
            )
        except TimeBankError:
            continue
        open_ids.append(redemption.pk)
    ctx.data["timebank_open_redemptions"] = open_ids
    ctx.advance("时间银行 redemptions", len(open_ids))


def _user(member: TimeBankMember) -> Any:
    assert member.user is not None
    return member.user


def _profiles(users: list[Any]) -> list[Any]:
    from huzhu.people.models import VolunteerProfile

    return list(VolunteerProfile.objects.filter(user__in=users).select_related("home_community"))
