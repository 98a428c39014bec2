"""The projects demo loads on top of the regions, people and giving demo, through the real services."""

from __future__ import annotations

import importlib
import time

import pytest

from huzhu.core.demo import DemoContext
from huzhu.projects import selectors
from huzhu.projects.models import CharityProject, Foundation, ProjectFundProposal, Review, Spending, Tranche
from ledger import api


@pytest.mark.slow
def test_it_loads_a_foundation_and_projects_in_every_state(db):
    ctx = DemoContext()
    for app in ("regions", "people", "giving"):
        importlib.import_module(f"huzhu.{app}.demo").load(ctx)
    started = time.monotonic()
    importlib.import_module("huzhu.projects.demo").load(ctx)
    elapsed = time.monotonic() - started
    foundation = Foundation.objects.get(name="闵行区社区基金会")
    states = set(CharityProject.objects.values_list("status", flat=True))
    assert states == {"draft", "submitted", "under_review", "changes_requested", "approved", "rejected", "completed"}
    assert CharityProject.objects.count() == 9
    assert Review.objects.count() >= 6
    assert set(Tranche.objects.values_list("status", flat=True)) == {"committed", "released"}
    assert Spending.objects.exists()
    assert ProjectFundProposal.objects.filter(status="proposed", fund_kind="project").exists()
    # the foundation's books add up: budget − released = posted; − committed = available
    released = sum(Tranche.objects.filter(status="released").values_list("amount_fen", flat=True))
    committed = sum(Tranche.objects.filter(status="committed").values_list("amount_fen", flat=True))
    fund = api.balance(foundation.ledger_account_id)
    assert (fund.posted, fund.available) == (200_000_000 - released, 200_000_000 - released - committed)
    # and the running project's disclosure is public
    running = CharityProject.objects.get(name="独居老人爱心午餐")
    assert selectors.public_disclosure(project_id=running.pk).funding.spent_fen > 0
    print(f"projects demo step: {elapsed:.2f} s")
    assert elapsed < 30
