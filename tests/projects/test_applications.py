"""Foundations, organisations and applications: who may create what, and bad input changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huzhu.core.errors import ServiceError
from huzhu.projects import services
from huzhu.projects.models import (
    BudgetLine,
    CharityProject,
    CriteriaSet,
    Foundation,
    FoundationDeposit,
    Milestone,
    Organisation,
    ProjectAttachment,
    ProjectEvent,
)
from ledger import api
from tests.projects.fixtures import FOUNDATION_BUDGET, project_data


def test_it_funds_a_foundation_once_per_idempotency_key(foundation, ada_admin):
    # when the administrator records the same deposit twice
    again = services.foundation_fund_deposit(actor=ada_admin, foundation_id=foundation.pk,
                                             amount_fen=FOUNDATION_BUDGET, idempotency_key="budget-2026",
                                             memo="2026 年度资助预算")
    # then it is one deposit, one credit
    assert FoundationDeposit.objects.filter(foundation=foundation).count() == 1 and again.ledger_transfer_id
    assert api.balance(foundation.ledger_account_id).posted == FOUNDATION_BUDGET
    assert api.account_get(f"projects:foundation:{foundation.pk}").pk == foundation.ledger_account_id
    # and the same key with another amount is refused, nothing written
    with pytest.raises(ServiceError) as exc:
        services.foundation_fund_deposit(actor=ada_admin, foundation_id=foundation.pk, amount_fen=1,
                                         idempotency_key="budget-2026")
    assert exc.value.code == "IDEMPOTENCY_MISMATCH"
    assert api.balance(foundation.ledger_account_id).posted == FOUNDATION_BUDGET


@pytest.mark.parametrize("persona", ["rita_reviewer", "alice_staff_north", "nina_applicant_north"])
def test_it_lets_only_administrators_deposit(foundation, persona, request):
    actor = request.getfixturevalue(persona)
    with pytest.raises(ServiceError) as exc:
        services.foundation_fund_deposit(actor=actor, foundation_id=foundation.pk, amount_fen=100,
                                         idempotency_key="x")
    assert exc.value.code == "PERMISSION_DENIED"
    assert FoundationDeposit.objects.count() == 1


@pytest.mark.parametrize("amount,code", [(0, "OUT_OF_RANGE"), (-100, "OUT_OF_RANGE"), (10**14, "OUT_OF_RANGE"),
                                         (1.5, "INVALID"), (True, "INVALID")])
def test_it_refuses_a_bad_deposit_amount(foundation, ada_admin, amount, code):
    with pytest.raises(ServiceError) as exc:
        services.foundation_fund_deposit(actor=ada_admin, foundation_id=foundation.pk, amount_fen=amount,
                                         idempotency_key="bad")
    assert exc.value.code == code
    assert FoundationDeposit.objects.count() == 1


def test_it_lets_only_administrators_create_foundations(regions, alice_staff_north, ada_admin):
    with pytest.raises(ServiceError) as exc:
        services.foundation_create(actor=alice_staff_north, name="北街道基金会", region_id=regions["north"].pk)
    assert exc.value.code == "PERMISSION_DENIED"
    assert not Foundation.objects.exists()
    street = services.foundation_create(actor=ada_admin, name="北街道基金会", region_id=regions["north"].pk)
    assert street.ledger_account_id and street.region == regions["north"]


def test_it_replaces_published_criteria_and_refuses_bad_ones(foundation, rita_reviewer):
    first = CriteriaSet.objects.get(foundation=foundation, active=True)
    with pytest.raises(ServiceError) as exc:
        services.criteria_publish(actor=rita_reviewer, foundation_id=foundation.pk, name="新标准", criteria=[
            services.CriterionInput(code="need", name="需求", weight=0, max_score=10)])
    assert exc.value.code == "OUT_OF_RANGE"
    assert CriteriaSet.objects.get(foundation=foundation, active=True) == first
    services.criteria_publish(actor=rita_reviewer, foundation_id=foundation.pk, name="新标准", criteria=[
        services.CriterionInput(code="need", name="需求", weight=100, max_score=10)])
    assert CriteriaSet.objects.filter(foundation=foundation).count() == 2
    assert CriteriaSet.objects.get(foundation=foundation, active=True).criteria.count() == 1


def test_it_lets_staff_register_organisations_only_in_their_street(regions, alice_staff_north, workstations):
    with pytest.raises(ServiceError) as exc:
        services.organisation_create(actor=alice_staff_north, name="南街道某社会组织", kind="social_organisation",
                                     region_id=regions["south"].pk)
    assert exc.value.code == "PERMISSION_DENIED"
    with pytest.raises(ServiceError) as exc2:
        services.organisation_create(actor=alice_staff_north, name="南街道慈善工作站", kind="workstation",
                                     workstation_id=workstations["south"].pk)
    assert exc2.value.code == "PERMISSION_DENIED"
    assert not Organisation.objects.exists()
    org = services.organisation_create(actor=alice_staff_north, name="北街道慈善工作站", kind="workstation",
                                       workstation_id=workstations["north"].pk)
    assert org.region == regions["north"] and org.members.get().user == alice_staff_north


def test_it_saves_a_draft_with_its_budget_and_milestones(foundation, org_north, regions, nina_applicant_north):
    project = services.application_save(actor=nina_applicant_north,
                                        data=project_data(org_north, foundation, regions["north_c1"]))
    assert project.status == "draft" and project.applicant == nina_applicant_north
    assert (project.budget_total_fen, project.requested_fen) == (1_000_000, 800_000)
    assert list(BudgetLine.objects.filter(project=project).values_list("name", "amount_fen")) == [
        ("食材采购", 600_000), ("送餐志愿者交通补贴", 300_000), ("项目管理", 100_000)]
    assert Milestone.objects.filter(project=project).count() == 3
    assert ProjectEvent.objects.get(project=project).kind == "created"


def _bad(org, foundation, regions, services_mod=services):
    today = timezone.localdate()
    return [
        ({"name": ""}, "REQUIRED", "name"),
        ({"name": "名" * 101}, "TOO_LONG", "name"),
        ({"goals": "目" * 5001}, "TOO_LONG", "goals"),
        ({"category": "cars"}, "INVALID", "category"),
        ({"beneficiary_groups": []}, "REQUIRED", "beneficiaryGroups"),
        ({"beneficiary_groups": ["aliens"]}, "INVALID", "beneficiaryGroups"),
        ({"beneficiary_groups": ["residents", "residents"]}, "INVALID", "beneficiaryGroups"),
        ({"beneficiary_count": 0}, "OUT_OF_RANGE", "beneficiaryCount"),
        ({"beneficiary_count": "40"}, "INVALID", "beneficiaryCount"),
        ({"region_id": regions["south_c1"].pk}, "REGION_OUTSIDE_ORGANISATION", "regionId"),
        ({"region_id": 999_999}, "NOT_FOUND", "regionId"),
        ({"foundation_id": 999_999}, "NOT_FOUND", "foundationId"),
        ({"ends_on": today - timedelta(days=31)}, "SCHEDULE_INVALID", "endsOn"),
        ({"ends_on": today + timedelta(days=5 * 366)}, "SCHEDULE_INVALID", "endsOn"),
        ({"budget_lines": []}, "BUDGET_REQUIRED", "budgetLines"),
        ({"budget_lines": [services_mod.BudgetLineInput(name="x", category="materials", amount_fen=-1)]},
         "OUT_OF_RANGE", "budgetLines.amountFen"),
        ({"budget_lines": [services_mod.BudgetLineInput(name="x", category="yachts", amount_fen=1)]},
         "INVALID", "budgetLines.category"),
        ({"milestones": []}, "MILESTONES_REQUIRED", "milestones"),
        ({"milestones": [services_mod.MilestoneInput(title="m", due_on=today + timedelta(days=999), tranche_fen=1)]},
         "SCHEDULE_INVALID", "milestones.dueOn"),
        ({"milestones": [services_mod.MilestoneInput(title="m", due_on=today, tranche_fen=1_000_001)]},
         "TRANCHES_EXCEED_BUDGET", "milestones"),
        ({"milestones": [services_mod.MilestoneInput(title="m", due_on=today, tranche_fen=0)]},
         "TRANCHES_EXCEED_BUDGET", "milestones"),
    ]


@pytest.mark.parametrize("case", range(21))
def test_it_refuses_bad_applications_and_writes_nothing(foundation, org_north, regions, nina_applicant_north, case):
    overrides, code, field = _bad(org_north, foundation, regions)[case]
    with pytest.raises(ServiceError) as exc:
        services.application_save(actor=nina_applicant_north,
                                  data=project_data(org_north, foundation, regions["north_c1"], **overrides))
    assert (exc.value.code, exc.value.field) == (code, field)
    assert exc.value.message and exc.value.message != code  # a translated message, not the bare code
    assert not CharityProject.objects.exists() and not BudgetLine.objects.exists()
    assert not ProjectEvent.objects.exists()


def test_it_refuses_an_application_for_another_organisation(foundation, org_north, regions, oscar_applicant_south):
    with pytest.raises(ServiceError) as exc:
        services.application_save(actor=oscar_applicant_south,
                                  data=project_data(org_north, foundation, regions["north_c1"]))
    assert exc.value.code == "NOT_FOUND" and exc.value.field == "organisationId"
    assert not CharityProject.objects.exists()


def test_it_refuses_edits_after_submission(make_project, nina_applicant_north, foundation, org_north, regions):
    project = make_project("north")
    with pytest.raises(ServiceError) as exc:
        services.application_save(actor=nina_applicant_north, project_id=project.pk,
                                  data=project_data(org_north, foundation, regions["north_c1"], name="改名"))
    assert exc.value.code == "WRONG_STATE"
    assert CharityProject.objects.get(pk=project.pk).name == "助老午餐项目"


def test_it_lets_only_members_submit_and_hides_drafts_from_others(make_project, alice_staff_north,
                                                                   oscar_applicant_south, rita_reviewer):
    draft = make_project("north", submit=False)
    # a draft is invisible outside the organisation: staff and reviewers of the region, and another street
    for actor in (alice_staff_north, oscar_applicant_south, rita_reviewer):
        with pytest.raises(ServiceError) as exc:
            services.application_submit(actor=actor, project_id=draft.pk)
        assert exc.value.code == "NOT_FOUND", actor
    assert CharityProject.objects.get(pk=draft.pk).status == "draft"


# --- attachments -----------------------------------------------------------------------------------------------


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_it_stores_an_attachment_under_a_random_name(make_project, nina_applicant_north, media_root):
    project = make_project("north", submit=False)
    attachment = services.attachment_add(actor=nina_applicant_north, project_id=project.pk,
                                         upload=_upload("预算说明.pdf", b"%PDF-1.7\n" + b"0" * 100))
    assert attachment.name == "预算说明.pdf" and attachment.content_type == "application/pdf"
    assert attachment.size == 109 and attachment.file.name.startswith(f"{project.pk}/")
    assert "预算说明" not in attachment.file.name
    assert (media_root / attachment.file.name).read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("name,content,code", [
    ("virus.exe", b"MZ\x90\x00", "ATTACHMENT_TYPE"),
    ("fake.pdf", b"MZ\x90\x00 not a pdf", "ATTACHMENT_TYPE"),  # the extension lies: the bytes decide
    ("photo.png", b"\xff\xd8\xff\xe0", "ATTACHMENT_TYPE"),
    ("empty.pdf", b"", "ATTACHMENT_TYPE"),
    ("noext", b"%PDF-1.7", "ATTACHMENT_TYPE"),
])
def test_it_refuses_attachments_of_other_types(make_project, nina_applicant_north, media_root, name, content, code):
    project = make_project("north", submit=False)
    with pytest.raises(ServiceError) as exc:
        services.attachment_add(actor=nina_applicant_north, project_id=project.pk, upload=_upload(name, content))
    assert exc.value.code == code
    assert not ProjectAttachment.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_it_refuses_an_attachment_over_10_mb(make_project, nina_applicant_north, media_root):
    project = make_project("north", submit=False)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ServiceError) as exc:
        services.attachment_add(actor=nina_applicant_north, project_id=project.pk, upload=big)
    assert exc.value.code == "ATTACHMENT_TOO_LARGE" and "10" in exc.value.message
    assert not ProjectAttachment.objects.exists()


def test_it_refuses_attachments_from_outside_the_organisation(make_project, alice_staff_north):
    project = make_project("north")
    with pytest.raises(ServiceError) as exc:
        services.attachment_add(actor=alice_staff_north, project_id=project.pk,
                                upload=_upload("a.pdf", b"%PDF-1.7"))
    assert exc.value.code == "PERMISSION_DENIED"
    assert not ProjectAttachment.objects.exists()


def test_upload_helper_reads_from_the_start(make_project, nina_applicant_north):
    # a file object that was already read (e.g. by a virus scanner) is rewound before the type check
    project = make_project("north", submit=False)
    upload = _upload("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    upload.read()
    attachment = services.attachment_add(actor=nina_applicant_north, project_id=project.pk, upload=upload)
    assert attachment.content_type == "image/png"
    assert isinstance(io.BytesIO(attachment.file.read()).read(8), bytes)
