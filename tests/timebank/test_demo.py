"""The time bank's demo step: accounts for the 300 demo volunteers, history, stars, pools and redemptions."""

from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_it_loads_the_demo_time_bank_consistently_with_the_ledger() -> None:
    # given the regions and people of the demo
    from huzhu.core.demo import DemoContext
    from huzhu.people import demo as people_demo
    from huzhu.regions import demo as regions_demo
    from huzhu.timebank import demo
    from huzhu.timebank.models import EarnedTotal, EarnRecord, PoolAllotment, PoolDonation, Redemption, TimeBankMember
    from huzhu.timebank.rules import rules_get, star_level
    from ledger import api

    ctx = DemoContext()
    regions_demo.load(ctx)
    people_demo.load(ctx)
    # and the volunteering step already credited one volunteer through the service (it runs first)
    from datetime import date

    from huzhu.timebank.services import earn_service_minutes
    earn_service_minutes(volunteer=ctx.users["vol-1"], minutes=90, idempotency_key="vol-task:1",
                         confirmed_by=ctx.users["sw-1"], street=ctx.regions["gumei"], organisation_name="org",
                         service_date=date(2026, 5, 1))
    # when the time-bank step runs
    started = time.perf_counter()
    demo.load(ctx)
    seconds = time.perf_counter() - started
    # then every demo volunteer has an account, and some hold stars
    assert TimeBankMember.objects.filter(user__isnull=False).count() == 300
    rules = rules_get()
    stars = [star_level(t.minutes, rules).stars for t in EarnedTotal.objects.filter(member__user__isnull=False)]
    assert sum(1 for s in stars if s >= 1) >= 5
    assert max(stars) == 5
    # and vol-0 reached the storage cap: the rest went to the pool, recorded as overflow
    top = TimeBankMember.objects.get(user=ctx.users["vol-0"])
    assert api.balance(top.account_id).posted <= rules.storage_cap_minutes
    assert PoolDonation.objects.filter(donor=top, kind="overflow").exists()
    # and there are pool gifts, allotments and redemptions in several states, some left open for tasks
    assert PoolDonation.objects.filter(kind="gift").exists()
    assert PoolAllotment.objects.exists()
    assert {"requested", "delivered"} <= set(Redemption.objects.values_list("status", flat=True))
    assert ctx.data["timebank_open_redemptions"]
    # and the issuing account minted exactly what the earn records say, less what redemptions paid back
    minted = sum(r.minutes for r in EarnRecord.objects.all())
    assert EarnedTotal.objects.get(member__user=ctx.users["vol-1"]).minutes == sum(
        r.minutes for r in EarnRecord.objects.filter(member__user=ctx.users["vol-1"]))
    redeemed = sum(r.minutes for r in Redemption.objects.filter(status="delivered"))
    issuer = api.account_get("tb:issuer")
    assert api.balance(issuer.pk).posted == -(minted - redeemed)
    print(f"timebank demo: {EarnRecord.objects.count()} earnings in {seconds:.1f}s")
    assert seconds < 30
