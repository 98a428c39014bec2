"""Plain HTTP: the public disclosure page (no login, no personal data), staff exports (row counts match the
database, permissions), attachment upload and download."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from huzhu.giving import services as giving
from huzhu.giving.models import Donation
from huzhu.matching import projects as matching
from huzhu.projects import selectors, services
from huzhu.projects.models import BudgetLine, CharityProject, Tranche
from tests.projects.fixtures import approve, report_and_release


def client_for(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def running(make_project, rita_reviewer, nina_applicant_north, alice_staff_north, workstations, dora_donor):
    """A north project with a released tranche, a donation received, spending, a report and an evaluation;
    personal details are planted everywhere they could leak from."""
    nina_applicant_north.display_name = "倪娜"
    nina_applicant_north.save()
    rita_reviewer.display_name = "芮塔"
    rita_reviewer.save()
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer)
    donation = giving.offline_donation_record(
        actor=alice_staff_north, workstation_id=workstations["north"].pk, channel="cash", amount_fen=150_000,
        donor_name="王秀英", donor_email="wang.xiuying@example.com", earmark=giving.Earmark(project_id=project.pk),
        idempotency_key="g", announce=False)
    proposal = matching.propose_funds_for_project(project_id=project.pk)[0]
    matching.fund_proposal_accept(actor=rita_reviewer, proposal_id=proposal.pk)
    line = BudgetLine.objects.get(project=project, position=0)
    services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                             amount_fen=120_000, spent_on=timezone.localdate(), idempotency_key="s",
                             memo="给张桂兰家买米,电话 13800138000")
    milestone = project.milestones.get(position=1)
    report = services.milestone_report_submit(actor=nina_applicant_north, milestone_id=milestone.pk,
                                              narrative="探访了李建国老人(身份证 310112194501010011)",
                                              households_served=18, service_minutes=750, goods_items=40,
                                              goods_description="大米 40 袋")
    services.milestone_report_review(actor=rita_reviewer, report_id=report.pk, approve=True)
    services.evaluation_submit(actor=rita_reviewer, project_id=project.pk, rating=4, summary="芮塔评估:执行良好")
    return {"project": project, "donation": donation}


def test_it_discloses_a_project_publicly_without_personal_data(running, nina_applicant_north, rita_reviewer):
    project = running["project"]
    # when anyone (no login) opens the disclosure page
    response = client_for().get(f"/projects/{project.pk}/disclosure")
    # then it shows income, grants, spending and reports
    assert response.status_code == 200
    html = response.content.decode()
    for expected in ("助老午餐项目", "北街道阳光社工服务社", "4,000.00", "1,500.00", "1,200.00", "定向捐赠",
                     "闵行区社区基金会资助", "食材采购", "大米 40 袋", "12.5", ">18<", ">4<"):
        assert expected in html, expected
    # and no person: applicant, reviewer, donor, beneficiaries, their contacts or ids
    for secret in ("倪娜", nina_applicant_north.email, "芮塔", rita_reviewer.email, "王秀英", "wang.xiuying",
                   "张桂兰", "13800138000", "李建国", "310112194501010011", "王*"):
        assert secret not in html, secret


def test_it_discloses_only_projects_that_were_approved(make_project):
    draft = make_project("north", submit=False)
    submitted = make_project("north")
    for project in (draft, submitted):
        assert client_for().get(f"/projects/{project.pk}/disclosure").status_code == 404
    assert client_for().get("/projects/999999/disclosure").status_code == 404


def _csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(response: Any) -> list[tuple]:
    from openpyxl import load_workbook

    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_as_many_rows_as_the_database_holds(running, make_project, rita_reviewer, ada_admin, fmt):
    # given a second (south) project and a draft that must not appear
    approve(make_project("south", name="困境儿童助学项目"), rita_reviewer)
    make_project("north", submit=False, name="草稿项目")
    expected = {
        "projects": CharityProject.objects.exclude(status="draft").count(),
        "grants": Tranche.objects.count(),
        "donations": Donation.objects.filter(status="succeeded", fund__kind="project").count(),
    }
    assert expected == {"projects": 2, "grants": 4, "donations": 1}
    for kind, count in expected.items():
        response = client_for(ada_admin).get(f"/projects/export/{kind}.{fmt}")
        assert response.status_code == 200
        rows = _csv_rows(response) if fmt == "csv" else _xlsx_rows(response)
        assert len(rows) == count + 1, kind  # the header, then one row per database row
    # and the donation row names the donor only masked
    rows = _csv_rows(client_for(ada_admin).get("/projects/export/donations.csv"))
    assert rows[1][8] == "王**" and "王秀英" not in str(rows)


def test_it_scopes_exports_to_the_staff_members_street(running, make_project, rita_reviewer, carol_staff_south,
                                                       alice_staff_north):
    approve(make_project("south", name="困境儿童助学项目"), rita_reviewer)
    south = _csv_rows(client_for(carol_staff_south).get("/projects/export/projects.csv"))
    north = _csv_rows(client_for(alice_staff_north).get("/projects/export/projects.csv"))
    assert [r[1] for r in south[1:]] == ["困境儿童助学项目"]
    assert [r[1] for r in north[1:]] == ["助老午餐项目"]
    assert len(_csv_rows(client_for(carol_staff_south).get("/projects/export/donations.csv"))) == 1  # header only
    funding = selectors.funding_of(running["project"])
    assert north[1][13:17] == [str(funding.released_fen), str(funding.donations_fen), str(funding.spent_fen),
                               str(funding.gap_fen)]


@pytest.mark.parametrize("persona,status", [
    (None, 401), ("nina_applicant_north", 403), ("bob_volunteer_north", 403), ("dora_donor", 403),
])
def test_it_refuses_exports_to_others(running, persona, status, request):
    user = request.getfixturevalue(persona) if persona else None
    for fmt in ("csv", "xlsx"):
        assert client_for(user).get(f"/projects/export/projects.{fmt}").status_code == status


def test_it_answers_unknown_exports_with_404(ada_admin):
    assert client_for(ada_admin).get("/projects/export/households.csv").status_code == 404
    assert client_for(ada_admin).get("/projects/export/projects.pdf").status_code == 404


def test_it_uploads_and_downloads_attachments_for_those_who_may_see_them(make_project, nina_applicant_north,
                                                                         alice_staff_north, carol_staff_south):
    project = make_project("north")
    upload = SimpleUploadedFile("计划书.pdf", b"%PDF-1.7 plan", content_type="application/pdf")
    response = client_for(nina_applicant_north).post(f"/projects/{project.pk}/attachments", {"file": upload})
    assert response.status_code == 201, response.content
    attachment_id = response.json()["id"]
    # the applicant and the north staff download it; the south staff and anonymous cannot
    ok = client_for(alice_staff_north).get(f"/projects/attachments/{attachment_id}")
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"%PDF-1.7 plan"
    assert "attachment" in ok["Content-Disposition"] and ok["X-Content-Type-Options"] == "nosniff"
    assert client_for(carol_staff_south).get(f"/projects/attachments/{attachment_id}").status_code == 404
    assert client_for().get(f"/projects/attachments/{attachment_id}").status_code == 401
    # a bad file is a typed error
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/pdf")
    refused = client_for(nina_applicant_north).post(f"/projects/{project.pk}/attachments", {"file": bad})
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "ATTACHMENT_TYPE"
    # and staff (not members) cannot upload
    denied = client_for(carol_staff_south).post(f"/projects/{project.pk}/attachments", {
        "file": SimpleUploadedFile("a.pdf", b"%PDF-1", content_type="application/pdf")})
    assert denied.status_code == 404
