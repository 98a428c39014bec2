"""Demo charity projects: the 闵行区社区基金会 with a ¥2,000,000 grant budget and published criteria, an
organisation per workstation plus three social organisations, and nine projects in every state — running ones
with reviews, released and committed tranches, reports, spending, an evaluation and a fund proposal waiting for
a reviewer. Everything goes through the real services (ledger, audit trail, notifications); deterministic."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from . import services

SOCIAL_ORGS = {  # street code → (name, credit code)
    "jiangchuan": ("江川街道阳光社工服务中心", "52310112MJ4400001A"),
    "gumei": ("古美街道为老服务社", "52310112MJ4400002B"),
    "xinzhuang": ("莘庄镇青少年成长服务社", "52310112MJ4400003C"),
}

# (key, street, social org? else the workstation, name, category, groups, count, lines, tranches, state)
PROJECTS: list[tuple[str, str, bool, str, str, list[str], int, list[tuple[str, str, int]], list[int], str]] = [
    ("meals", "jiangchuan", True, "独居老人爱心午餐", "elderly", ["elderly_alone", "empty_nest"], 60,
     [("食材采购", "materials", 4_800_000), ("送餐志愿者补贴", "activities", 1_200_000),
      ("项目管理", "administration", 600_000)], [3_000_000, 2_000_000, 0], "running"),
    ("tutoring", "gumei", True, "困境儿童课后成长营", "children", ["child_in_difficulty", "poor_student"], 35,
     [("辅导老师课时费", "personnel", 2_400_000), ("学习用品", "materials", 800_000),
      ("亲子活动", "activities", 600_000)], [1_800_000, 1_500_000], "reporting"),
    ("aids", "xinzhuang", True, "失能老人康复辅具租借站", "disability", ["disabled_elderly", "severe_disability"], 80,
     [("辅具采购", "materials", 3_500_000), ("维修保养", "services", 500_000), ("管理", "administration", 300_000)],
     [2_000_000, 1_000_000], "funding"),
    ("kits", "jiangchuan", False, "社区应急救助包", "emergency", ["minimum_living", "extreme_poverty"], 120,
     [("救助包物资", "materials", 1_800_000), ("仓储配送", "services", 200_000)], [1_500_000], "under_review"),
    ("escort", "gumei", True, "重病家庭就医陪护", "medical", ["serious_illness", "expenditure_poverty"], 25,
     [("陪护员补贴", "personnel", 1_500_000), ("交通费用", "activities", 300_000)], [1_200_000, 400_000], "submitted"),
    ("bursary", "xinzhuang", True, "贫困学生圆梦助学", "education", ["poor_student"], 50,
     [("助学金", "other", 2_500_000), ("成长讲座", "activities", 300_000)], [2_000_000], "changes"),
    ("phones", "jiangchuan", True, "老年人智能手机课堂", "elderly", ["residents"], 200,
     [("讲师费", "personnel", 600_000), ("教材", "materials", 200_000)], [600_000], "rejected"),
    ("quilts", "gumei", False, "暖冬被褥发放", "living", ["minimum_living", "marginal_low_income"], 150,
     [("被褥采购", "materials", 1_500_000)], [1_000_000], "draft"),
    ("canteen", "xinzhuang", False, "2025 助老食堂", "elderly", ["elderly_alone", "disabled_elderly"], 90,
     [("食材", "materials", 2_000_000), ("厨房设备", "materials", 500_000)], [1_500_000, 1_000_000], "completed"),
]

SCORES = {"need": 9, "design": 8, "capacity": 8, "budget": 7}


def _members(ctx: Any, street: str) -> list[Any]:
    """The street's social workers (from their workstation), in a stable order."""
    from huzhu.people.models import SocialWorkerProfile

    ws = ctx.workstations[street]
    ids = set(SocialWorkerProfile.objects.filter(workstation=ws).values_list("user_id", flat=True))
    return [ctx.users[k] for k in sorted(ctx.users, key=lambda k: (len(k), k)) if k.startswith("sw-")
            and ctx.users[k].pk in ids]


def load(ctx: Any) -> None:
    streets = [code for code in ("jiangchuan", "gumei", "xinzhuang") if code in ctx.workstations]
    if "minhang" not in ctx.regions or not streets or "admin" not in ctx.users:
        return
    admin = ctx.users["admin"]
    reviewers = [ctx.users[k] for k in ("reviewer-0", "reviewer-1") if k in ctx.users]
    today = timezone.localdate()

    foundation = services.foundation_create(actor=admin, name="闵行区社区基金会", region_id=ctx.regions["minhang"].pk)
    services.foundation_fund_deposit(actor=admin, foundation_id=foundation.pk, amount_fen=200_000_000,
                                     idempotency_key="demo-budget-2026", memo="2026 年度公益创投资助预算")
    services.criteria_publish(actor=admin, foundation_id=foundation.pk, name="2026 年度公益创投评审标准", criteria=[
        services.CriterionInput(code="need", name="需求迫切性", weight=30, max_score=10,
                                description="服务对象的需求是否真实、迫切"),
        services.CriterionInput(code="design", name="项目设计", weight=25, max_score=10),
        services.CriterionInput(code="capacity", name="执行能力", weight=25, max_score=10),
        services.CriterionInput(code="budget", name="预算合理性", weight=20, max_score=10),
    ])
    ctx.data["projects_foundation_id"] = foundation.pk

    orgs: dict[tuple[str, bool], Any] = {}
    applicants: dict[tuple[str, bool], Any] = {}
    for street in streets:
        staff = ctx.users[f"staff-{street}"]
        orgs[(street, False)] = services.organisation_create(
            actor=staff, name=f"{ctx.workstations[street].name}", kind="workstation",
            workstation_id=ctx.workstations[street].pk)
        applicants[(street, False)] = staff
        members = _members(ctx, street)
        name, code = SOCIAL_ORGS[street]
        manager = members[0] if members else staff
        orgs[(street, True)] = services.organisation_create(
            actor=staff, name=name, kind="social_organisation", region_id=ctx.regions[street].pk, credit_code=code,
            manager_id=manager.pk)
        applicants[(street, True)] = manager
        for extra in members[1:3]:
            services.organisation_member_add(actor=staff, organisation_id=orgs[(street, True)].pk, user_id=extra.pk)
    first = applicants.get((streets[0], True))
    if first is not None:
        ctx.login("project_applicant", first.email, f"{SOCIAL_ORGS[streets[0]][0]}(慈善项目申报)")
    ctx.advance("projects: foundation and organisations", 1)

    reviewer = reviewers[0] if reviewers else admin
    second = reviewers[1] if len(reviewers) > 1 else reviewer
    made: dict[str, Any] = {}
    for i, (key, street, social, name, category, groups, count, lines, tranches, state) in enumerate(PROJECTS):
        if street not in streets:
            continue
        org, applicant = orgs[(street, social)], applicants[(street, social)]
        communities = sorted((c for code, c in ctx.regions.items() if code.startswith(f"{street}-c") and
                              c.level == "community"), key=lambda r: r.code)
        region = communities[i % len(communities)] if communities else ctx.regions[street]
        starts = today - timedelta(days=400 if state == "completed" else 60 + 10 * i)
        ends = starts + timedelta(days=330)
        span = (ends - starts).days
        data = services.ApplicationInput(
            organisation_id=org.pk, foundation_id=foundation.pk, name=name, summary=f"{name}:面向{region.name}",
            goals=f"为{region.name}的 {count} 名服务对象提供持续、专业的{name}服务,并建立志愿者长效参与机制。",
            category=category, beneficiary_groups=groups, beneficiary_count=count, region_id=region.pk,
            starts_on=starts, ends_on=ends,
            budget_lines=[services.BudgetLineInput(name=n, category=c, amount_fen=a) for n, c, a in lines],
            milestones=[services.MilestoneInput(
                title=("启动与需求调研", "中期服务", "结项评估")[j] if len(tranches) > 1 else "项目实施",
                due_on=starts + timedelta(days=min(span, 20 + j * span // max(len(tranches), 1))), tranche_fen=t)
                for j, t in enumerate(tranches)],
        )
        project = services.application_save(actor=applicant, data=data)
        made[key] = project
        if state == "draft":
            continue
        services.application_submit(actor=applicant, project_id=project.pk)
        if state == "submitted":
            continue
        services.reviewer_assign(actor=reviewer, project_id=project.pk, reviewer_id=reviewer.pk)
        if second.pk != reviewer.pk:
            services.reviewer_assign(actor=reviewer, project_id=project.pk, reviewer_id=second.pk)
        scores = {k: max(0, min(10, v + ctx.rng.randint(-2, 1))) for k, v in SCORES.items()}
        services.review_submit(actor=reviewer, project_id=project.pk, scores=scores,
                               recommendation="reject" if state == "rejected" else
                               "changes" if state == "changes" else "approve", comment="材料齐全,设计清晰。")
        if state == "under_review":
            continue
        if state == "rejected":
            services.decision_make(actor=reviewer, project_id=project.pk, outcome="reject",
                                   reasons="与本年度资助方向不符,建议对接社区学校资源。")
            continue
        if state == "changes":
            services.decision_make(actor=reviewer, project_id=project.pk, outcome="changes",
                                   reasons="请补充受助学生的遴选标准和预算明细。")
            continue
        requested = sum(tranches)
        services.decision_make(actor=reviewer, project_id=project.pk, outcome="approve",
                               reasons="需求迫切,设计合理,同意资助。",
                               amount_fen=requested if state != "funding" else requested * 9 // 10)
        _run(ctx, project, applicant, reviewer, state)
    ctx.data["projects"] = {k: p.pk for k, p in made.items()}
    ctx.advance("projects: applications and reviews", 1)

    # Donations earmarked for the rehabilitation-aids project, and project-level matching for every open project.
    from huzhu.giving import services as giving
    from huzhu.matching.projects import propose_funds_for_open_projects

    if "aids" in made and "xinzhuang" in streets:
        for j, amount in enumerate((50_000, 120_000, 30_000)):
            giving.offline_donation_record(
                actor=ctx.users["staff-xinzhuang"], workstation_id=ctx.workstations["xinzhuang"].pk, channel="cash",
                amount_fen=amount, donor_name=ctx.rng.choice(["爱心企业", "居民", ""]),
                earmark=giving.Earmark(project_id=made["aids"].pk), idempotency_key=f"demo-project-gift-{j}",
                announce=False)
    propose_funds_for_open_projects()
    ctx.advance("projects: fund proposals", 1)


def _run(ctx: Any, project: Any, applicant: Any, reviewer: Any, state: str) -> None:
    """A running project's life so far: reports, tranches, spending, an evaluation."""
    from .models import BudgetLine, Milestone

    milestones = list(Milestone.objects.filter(project=project).order_by("position"))
    done = {"running": 1, "reporting": 0, "funding": 0, "completed": len(milestones)}[state]
    for milestone in milestones[:done]:
        report = services.milestone_report_submit(
            actor=applicant, milestone_id=milestone.pk, narrative=f"{milestone.title}已完成,服务按计划推进。",
            households_served=ctx.rng.randint(20, 60), service_minutes=ctx.rng.randint(40, 120) * 60,
            goods_items=ctx.rng.randint(0, 200), goods_description="大米、食用油等生活物资")
        services.milestone_report_review(actor=reviewer, report_id=report.pk, approve=True, note="材料完整")
        if hasattr(milestone, "tranche"):
            services.tranche_release(actor=reviewer, tranche_id=milestone.tranche.pk)
    if state == "reporting" and milestones:
        services.milestone_report_submit(
            actor=applicant, milestone_id=milestones[0].pk, narrative="已完成学生摸底和首期辅导。",
            households_served=32, service_minutes=2_400, goods_items=35, goods_description="学习用品 35 套")
    if done:
        today = timezone.localdate()
        for j, line in enumerate(BudgetLine.objects.filter(project=project).order_by("position")):
            amount = line.amount_fen * (3 if state == "running" else 9) // 10
            services.spending_record(actor=applicant, project_id=project.pk, budget_line_id=line.pk,
                                     amount_fen=amount, spent_on=today - timedelta(days=j + 1),
                                     idempotency_key=f"demo-spend-{project.pk}-{line.pk}", memo=f"{line.name}支出")
        services.evaluation_submit(actor=reviewer, project_id=project.pk, rating=4 if state == "running" else 5,
                                   summary="第三方评估:执行规范,服务对象满意度高。")
    if state == "completed":
        services.project_close(actor=reviewer, project_id=project.pk, completed=True, reason="项目按期完成,评估优秀。")
