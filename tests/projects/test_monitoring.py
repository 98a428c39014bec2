"""Monitoring and evaluation: milestone reports with figures and their review, evaluations, the dashboard."""

from __future__ import annotations

import pytest

from huzhu.core.errors import ServiceError
from huzhu.projects import selectors, services
from huzhu.projects.models import Evaluation, Milestone, MilestoneReport
from tests.projects.fixtures import approve


def _milestone(project, position=0):
    return Milestone.objects.get(project=project, position=position)


def test_it_returns_a_report_with_a_note_and_takes_a_new_one(make_project, rita_reviewer, nina_applicant_north):
    project = approve(make_project("north"), rita_reviewer)
    milestone = _milestone(project)
    first = services.milestone_report_submit(actor=nina_applicant_north, milestone_id=milestone.pk,
                                             narrative="初稿", households_served=10)
    # a second report while the first awaits review is refused
    with pytest.raises(ServiceError) as exc:
        services.milestone_report_submit(actor=nina_applicant_north, milestone_id=milestone.pk, narrative="再交")
    assert exc.value.code == "REPORT_PENDING"
    # returning needs a note
    with pytest.raises(ServiceError) as exc2:
        services.milestone_report_review(actor=rita_reviewer, report_id=first.pk, approve=False)
    assert exc2.value.code == "REASON_REQUIRED"
    services.milestone_report_review(actor=rita_reviewer, report_id=first.pk, approve=False, note="请补充签到表")
    second = services.milestone_report_submit(actor=nina_applicant_north, milestone_id=milestone.pk,
                                              narrative="补充了签到表", households_served=12, service_minutes=90)
    services.milestone_report_review(actor=rita_reviewer, report_id=second.pk, approve=True)
    assert list(MilestoneReport.objects.filter(milestone=milestone).values_list("status", flat=True)) == [
        "returned", "approved"]
    # the dashboard counts approved reports only
    board = selectors.project_dashboard(actor=rita_reviewer, project_id=project.pk)
    assert (board.households_served, board.service_minutes) == (12, 90)


@pytest.mark.parametrize("field,value,code", [
    ("households_served", -1, "OUT_OF_RANGE"), ("service_minutes", 10**8, "OUT_OF_RANGE"),
    ("goods_items", "3", "INVALID"), ("narrative", "", "REQUIRED"), ("goods_description", "物" * 201, "TOO_LONG"),
])
def test_it_refuses_bad_report_figures(make_project, rita_reviewer, nina_applicant_north, field, value, code):
    project = approve(make_project("north"), rita_reviewer)
    args = dict(actor=nina_applicant_north, milestone_id=_milestone(project).pk, narrative="完成")
    args[field] = value
    with pytest.raises(ServiceError) as exc:
        services.milestone_report_submit(**args)
    assert exc.value.code == code
    assert not MilestoneReport.objects.exists()


def test_it_takes_reports_only_from_members_of_running_projects(make_project, rita_reviewer, nina_applicant_north,
                                                                alice_staff_north, oscar_applicant_south):
    submitted = make_project("north")
    with pytest.raises(ServiceError) as exc:
        services.milestone_report_submit(actor=nina_applicant_north, milestone_id=_milestone(submitted).pk,
                                         narrative="x")
    assert exc.value.code == "WRONG_STATE"
    project = approve(make_project("north"), rita_reviewer)
    for actor, code in ((alice_staff_north, "PERMISSION_DENIED"), (oscar_applicant_south, "NOT_FOUND")):
        with pytest.raises(ServiceError) as exc2:
            services.milestone_report_submit(actor=actor, milestone_id=_milestone(project).pk, narrative="x")
        assert exc2.value.code == code
    assert not MilestoneReport.objects.exists()


def test_it_rates_a_project_once_per_evaluator(make_project, rita_reviewer, ray_reviewer, nina_applicant_north):
    project = approve(make_project("north"), rita_reviewer)
    services.evaluation_submit(actor=rita_reviewer, project_id=project.pk, rating=5, summary="优秀")
    services.evaluation_submit(actor=ray_reviewer, project_id=project.pk, rating=4, summary="良好")
    with pytest.raises(ServiceError) as exc:
        services.evaluation_submit(actor=rita_reviewer, project_id=project.pk, rating=3, summary="改评")
    assert exc.value.code == "CONFLICT"
    for rating in (0, 6):
        with pytest.raises(ServiceError) as exc2:
            services.evaluation_submit(actor=ray_reviewer, project_id=project.pk, rating=rating, summary="x")
        assert exc2.value.code == "OUT_OF_RANGE"
    with pytest.raises(ServiceError) as exc3:  # the applicant cannot rate their own project
        services.evaluation_submit(actor=nina_applicant_north, project_id=project.pk, rating=5, summary="自评")
    assert exc3.value.code == "PERMISSION_DENIED"
    board = selectors.project_dashboard(actor=nina_applicant_north, project_id=project.pk)
    assert (board.rating_count, board.rating_average_tenths) == (2, 45)
    assert Evaluation.objects.count() == 2


def test_it_exports_across_chunk_boundaries(make_project, rita_reviewer, ada_admin, monkeypatch):
    from huzhu.projects import exports

    monkeypatch.setattr(exports, "CHUNK", 2)
    for _ in range(5):
        approve(make_project("north"), rita_reviewer)
    header, rows = exports.rows(actor=ada_admin, kind="projects")
    rows = list(rows)
    assert len(rows) == 5 and len({r[0] for r in rows}) == 5
    assert all(r[12] == 800_000 for r in rows) and len(header) == len(rows[0])
