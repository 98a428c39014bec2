"""Demo people: an administrator, staff and a workstation per street, 20 social workers, 300 volunteers,
donors and foundation reviewers. Every demo account has the same password (printed by `huzhu demo`)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from huzhu.core.demo import DEMO_PASSWORD

from .models import Role, RoleGrant, SocialWorkerProfile, User, VolunteerProfile, Workstation

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国志文斌海燕慧春梅"
SKILLS = ["home_visit", "cleaning", "meal_delivery", "hospital_escort", "haircut", "tutoring",
          "psychological_support", "legal_advice", "repair", "first_aid"]
LANGUAGES = ["zh", "shanghainese", "en", "sign"]


def _name(ctx: Any) -> str:
    return ctx.rng.choice(SURNAMES) + ctx.rng.choice(GIVEN) + (ctx.rng.choice(GIVEN) if ctx.rng.random() < .6 else "")


def load(ctx: Any) -> None:
    password = make_password(DEMO_PASSWORD)  # one hash for every demo account: hashing 350 times is slow
    district = ctx.regions["minhang"]
    streets = [ctx.regions[c] for c in ("jiangchuan", "gumei", "xinzhuang")]
    communities = {s.code: [r for code, r in ctx.regions.items() if code.startswith(s.code + "-c")
                            and r.level == "community"] for s in streets}
    users: list[User] = []
    grants: list[tuple[str, str, Any]] = []  # (user key, role, region)

    def add(key: str, email: str, display: str, **extra: Any) -> None:
        users.append(User(username=email, email=email, display_name=display, password=password, **extra))
        ctx.users[key] = users[-1]

    add("admin", "admin@huzhu.demo", "系统管理员", is_staff=True, is_superuser=True)
    grants.append(("admin", Role.ADMINISTRATOR, district))
    ctx.login("administrator", "admin@huzhu.demo", "all of 闵行区, Django admin")
    for street in streets:
        add(f"staff-{street.code}", f"staff.{street.code}@huzhu.demo", f"{street.name}工作站 {_name(ctx)}")
        grants.append((f"staff-{street.code}", Role.WORKSTATION_STAFF, street))
        ctx.login("workstation_staff", f"staff.{street.code}@huzhu.demo", street.name)
    for i in range(20):
        street = streets[i % 3]
        add(f"sw-{i}", f"sw{i + 1}@huzhu.demo", f"社工 {_name(ctx)}")
        grants.append((f"sw-{i}", Role.SOCIAL_WORKER, street))
    ctx.login("social_worker", "sw1@huzhu.demo", streets[0].name)
    for i in range(300):
        street = streets[i % 3]
        add(f"vol-{i}", f"vol{i + 1}@huzhu.demo", _name(ctx))
        grants.append((f"vol-{i}", Role.VOLUNTEER, street))
    ctx.login("volunteer", "vol1@huzhu.demo", streets[0].name)
    for i in range(20):
        add(f"donor-{i}", f"donor{i + 1}@huzhu.demo", _name(ctx))
        grants.append((f"donor-{i}", Role.DONOR, district))
    ctx.login("donor", "donor1@huzhu.demo", "闵行区")
    for i in range(2):
        add(f"reviewer-{i}", f"reviewer{i + 1}@huzhu.demo", f"基金会评审 {_name(ctx)}")
        grants.append((f"reviewer-{i}", Role.FOUNDATION_REVIEWER, district))
    ctx.login("foundation_reviewer", "reviewer1@huzhu.demo", "闵行区社区基金会")
    User.objects.bulk_create(users)
    # Demo accounts count as verified, so they log in through the web app (allauth) at once.
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    ctx.advance("人员 people", len(users))

    RoleGrant.objects.bulk_create(
        [RoleGrant(user=ctx.users[key], role=role, region=region) for key, role, region in grants]
    )
    for street in streets:
        ctx.workstations[street.code] = Workstation.objects.create(
            name=f"{street.name}慈善工作站", region=street, phone=f"021-6{ctx.rng.randrange(1000000, 9999999)}"
        )
    SocialWorkerProfile.objects.bulk_create(
        [SocialWorkerProfile(user=ctx.users[f"sw-{i}"], workstation=ctx.workstations[streets[i % 3].code])
         for i in range(20)]
    )
    profiles = []
    for i in range(300):
        street = streets[i % 3]
        profiles.append(VolunteerProfile(
            user=ctx.users[f"vol-{i}"],
            home_community=ctx.rng.choice(communities[street.code]),
            skills=sorted(ctx.rng.sample(SKILLS, ctx.rng.randint(1, 4))),
            languages=sorted({"zh", *ctx.rng.sample(LANGUAGES, ctx.rng.randint(0, 2))}),
            availability=[{"weekday": d, "start": 9 * 60, "end": 12 * 60}
                          for d in sorted(ctx.rng.sample(range(7), ctx.rng.randint(1, 4)))],
            birth_year=ctx.rng.randint(1950, 2006),
        ))
    VolunteerProfile.objects.bulk_create(profiles)
    ctx.advance("人员 people", len(profiles))
