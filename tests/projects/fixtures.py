"""Charity-project personas and builders, shared by tests/projects and tests/matching/test_projects.py.

Personas (on top of tests/conftest.py's): the district foundation 闵行区社区基金会 with ¥100,000 and published
criteria; nina applies for the north social organisation, oscar for the south one; rita (district) and ray
(district) are foundation reviewers; ivy is a foundation reviewer who is also a member of the north
organisation (a conflict of interest for every north project).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user

FOUNDATION_BUDGET = 10_000_000  # ¥100,000

__all__ = [
    "FOUNDATION_BUDGET", "application", "approve", "foundation", "ivy_reviewer_north_member", "make_project",
    "nina_applicant_north", "org_north", "org_south", "oscar_applicant_south", "project_data", "ray_reviewer",
    "report_and_release", "media_root",
]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.HUZHU_PROJECTS_MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def foundation(regions: dict[str, Any], ada_admin: Any) -> Any:
    from huzhu.projects import services

    f = services.foundation_create(actor=ada_admin, name="闵行区社区基金会", region_id=regions["district"].pk)
    services.foundation_fund_deposit(actor=ada_admin, foundation_id=f.pk, amount_fen=FOUNDATION_BUDGET,
                                     idempotency_key="budget-2026", memo="2026 年度资助预算")
    services.criteria_publish(actor=ada_admin, foundation_id=f.pk, name="2026 公益创投评审标准", criteria=[
        services.CriterionInput(code="need", name="需求迫切性", weight=40, max_score=10),
        services.CriterionInput(code="design", name="项目设计", weight=30, max_score=10),
        services.CriterionInput(code="capacity", name="执行能力", weight=30, max_score=5),
    ])
    return f


@pytest.fixture
def nina_applicant_north(regions: dict[str, Any]) -> Any:
    return make_user("nina.applicant@test.huzhu")


@pytest.fixture
def oscar_applicant_south(regions: dict[str, Any]) -> Any:
    return make_user("oscar.applicant@test.huzhu")


@pytest.fixture
def ray_reviewer(regions: dict[str, Any]) -> Any:
    return make_user("ray.reviewer@test.huzhu", ("foundation_reviewer", regions["district"]))


@pytest.fixture
def org_north(regions: dict[str, Any], alice_staff_north: Any, nina_applicant_north: Any) -> Any:
    from huzhu.projects import services

    return services.organisation_create(actor=alice_staff_north, name="北街道阳光社工服务社",
                                        kind="social_organisation", region_id=regions["north"].pk,
                                        manager_id=nina_applicant_north.pk)


@pytest.fixture
def org_south(regions: dict[str, Any], carol_staff_south: Any, oscar_applicant_south: Any) -> Any:
    from huzhu.projects import services

    return services.organisation_create(actor=carol_staff_south, name="南街道邻里互助社", kind="social_organisation",
                                        region_id=regions["south"].pk, manager_id=oscar_applicant_south.pk)


@pytest.fixture
def ivy_reviewer_north_member(regions: dict[str, Any], org_north: Any, alice_staff_north: Any) -> Any:
    from huzhu.projects import services

    ivy = make_user("ivy.reviewer@test.huzhu", ("foundation_reviewer", regions["district"]))
    services.organisation_member_add(actor=alice_staff_north, organisation_id=org_north.pk, user_id=ivy.pk)
    return ivy


def project_data(org: Any, foundation: Any, region: Any, **overrides: Any) -> Any:
    """A valid application: budget ¥10,000 over three lines, grant asked ¥8,000 in two tranches."""
    from huzhu.projects import services

    today = timezone.localdate()
    fields: dict[str, Any] = dict(
        organisation_id=org.pk, foundation_id=foundation.pk, name="助老午餐项目", summary="为独居老人提供午餐",
        goals="每周五天为 40 位独居老人送餐上门,并每月探访一次。", category="elderly",
        beneficiary_groups=["elderly_alone", "empty_nest"], beneficiary_count=40, region_id=region.pk,
        starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300),
        budget_lines=[
            services.BudgetLineInput(name="食材采购", category="materials", amount_fen=600_000),
            services.BudgetLineInput(name="送餐志愿者交通补贴", category="activities", amount_fen=300_000),
            services.BudgetLineInput(name="项目管理", category="administration", amount_fen=100_000),
        ],
        milestones=[
            services.MilestoneInput(title="启动与需求调研", due_on=today, tranche_fen=400_000),
            services.MilestoneInput(title="中期服务", due_on=today + timedelta(days=150), tranche_fen=400_000),
            services.MilestoneInput(title="结项评估", due_on=today + timedelta(days=290), tranche_fen=0),
        ],
    )
    fields.update(overrides)
    return services.ApplicationInput(**fields)


def application(actor: Any, org: Any, foundation: Any, region: Any, *, submit: bool = True, **overrides: Any) -> Any:
    from huzhu.projects import services

    project = services.application_save(actor=actor, data=project_data(org, foundation, region, **overrides))
    if submit:
        project = services.application_submit(actor=actor, project_id=project.pk)
    return project


def approve(project: Any, reviewer: Any, *, amount_fen: int | None = None, decider: Any = None) -> Any:
    """Assign `reviewer`, review, approve (by `decider`, default the reviewer)."""
    from huzhu.projects import services

    decider = decider or reviewer
    services.reviewer_assign(actor=decider, project_id=project.pk, reviewer_id=reviewer.pk)
    services.review_submit(actor=reviewer, project_id=project.pk, scores={"need": 9, "design": 8, "capacity": 4},
                           recommendation="approve", comment="设计合理")
    services.decision_make(actor=decider, project_id=project.pk, outcome="approve", reasons="符合资助方向",
                           amount_fen=amount_fen if amount_fen is not None else project.requested_fen)
    project.refresh_from_db()
    return project


def report_and_release(project: Any, applicant: Any, reviewer: Any, position: int = 0) -> Any:
    from huzhu.projects import services
    from huzhu.projects.models import Milestone

    milestone = Milestone.objects.get(project=project, position=position)
    report = services.milestone_report_submit(actor=applicant, milestone_id=milestone.pk, narrative="已完成",
                                              households_served=12, service_minutes=600, goods_items=30)
    services.milestone_report_review(actor=reviewer, report_id=report.pk, approve=True)
    return services.tranche_release(actor=reviewer, tranche_id=milestone.tranche.pk)


@pytest.fixture
def make_project(foundation: Any, org_north: Any, org_south: Any, regions: dict[str, Any],
                 nina_applicant_north: Any, oscar_applicant_south: Any) -> Any:
    """make_project("north"|"south", submit=True, **overrides) → a project of that street's organisation."""

    def build(street: str = "north", *, submit: bool = True, **overrides: Any) -> Any:
        org, applicant = (org_north, nina_applicant_north) if street == "north" else (org_south, oscar_applicant_south)
        region = overrides.pop("region", regions[f"{street}_c1"])
        return application(applicant, org, foundation, region, submit=submit, **overrides)

    return build


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)
