"""The giving demo loads on top of the regions, people and households demo, through the real services."""

from __future__ import annotations

import importlib

import pytest

from huzhu.core.demo import DemoContext
from huzhu.giving.models import Donation, DonationTraceEvent, GoodsDonation, ServicePledge
from huzhu.giving.selectors import stock_rows


@pytest.mark.slow
def test_it_loads_gifts_stock_and_pledges(db):
    ctx = DemoContext()
    for app in ("regions", "people", "households", "giving"):
        importlib.import_module(f"huzhu.{app}.demo").load(ctx)
    assert Donation.objects.filter(status="succeeded", channel="online").count() >= 30
    assert Donation.objects.filter(status="succeeded").exclude(channel="online").count() >= 30
    assert Donation.objects.exclude(receipt_number=None).count() == Donation.objects.count()
    for ws in ctx.workstations.values():
        assert sum(r.on_hand for r in stock_rows(workstation=ws)) > 0
    assert GoodsDonation.objects.filter(status="pledged").exists()
    assert ServicePledge.objects.count() == 10
    assert DonationTraceEvent.objects.filter(stage="delivered").exists()
