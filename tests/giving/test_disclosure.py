"""The public disclosure page (慈善信息公开): sums per earmark/project and month, no personal data."""

from __future__ import annotations

from django.test import Client

from huzhu.giving import services
from tests.giving.conftest import offline_gift


def test_it_discloses_income_and_disbursements_without_personal_data(
        gql, projects, alice_staff_north, ada_admin, workstations, need_north, dora_donor):
    # given gifts by named and anonymous donors, one to project A, and disbursements to a project and a need
    offline_gift(alice_staff_north, workstations["north"], 30_000, key="1", donor_name="王小明",
                 donor_email=dora_donor.email, message="给张阿姨家", external_reference="6222-0000-1111")
    gift = offline_gift(alice_staff_north, workstations["north"], 50_000, key="2", donor_name="李大华",
                        earmark=services.Earmark(project_id=projects["a"].id))
    services.fund_disburse(actor=ada_admin, fund_account=gift.fund.ledger_account_id, amount_fen=20_000,
                           project_id=projects["a"].id, idempotency_key="p")
    general = services.general_fund()
    services.fund_disburse(actor=alice_staff_north, fund_account=general.ledger_account_id, amount_fen=10_000,
                           need_id=need_north.pk, idempotency_key="n")
    # when anybody opens the page (no login)
    page = Client().get("/giving/disclosure")
    html = page.content.decode()
    # then it lists income and disbursements per project and month
    assert page.status_code == 200
    assert "助老午餐项目" in html and "500.00" in html and "200.00" in html and "800.00" in html
    assert "北街道1社区 · 困难家庭需求" in html and "100.00" in html
    # and nothing personal: no donor name, email, message, bank reference, or household description
    for secret in ("王小明", "李大华", dora_donor.email, "dora", "给张阿姨家", "6222", "低保", "户主"):
        assert secret not in html, secret
    # and GraphQL says the same
    data = gql("{ publicDisclosure { totalIncomeFen totalDisbursedFen income { target amountFen count } "
               "disbursements { target amountFen } } }")["publicDisclosure"]
    assert data["totalIncomeFen"] == "80000" and data["totalDisbursedFen"] == "30000"
    assert {"target": "慈善项目:助老午餐项目", "amountFen": "50000", "count": 1} in data["income"]
    assert "王小明" not in str(data) and "低保" not in str(data)
