"""Demo households: ~2,000 over the 12 communities and their 24 grids, with members, needs, two months of
visits (so some key-group households are overdue this month), encrypted personal data, and a few ID numbers
registered by two streets so the possible-duplicate flag shows.

Everything random comes from ctx.rng, so the demo is the same on every machine (dates are relative to today).
Rows go in with bulk_create; personal data is encrypted in Python first (about 10,000 Fernet tokens, < 1 s).

Left in ctx.data for later steps:
- "household_ids": all household ids; "households_by_street": street code → ids;
- "open_need_ids", "urgent_need_ids", "needs_by_kind" (kind → open need ids), "fulfilled_need_ids";
- "duplicate_household_ids": households flagged as possible duplicates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone

from . import personal as crypto
from .models import (
    DuplicateFlag,
    Household,
    HouseholdMember,
    HouseholdPersonal,
    Need,
    NeedStatusChange,
    PersonalDataAccess,
    Visit,
)

HOUSEHOLDS = 2000
DUPLICATE_PAIRS = 6
STREETS = ("jiangchuan", "gumei", "xinzhuang")
AREA_CODE = "310112"  # 上海市闵行区
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳峰建国志文海"
FEMALE = "芳娜敏静丽艳娟霞秀兰桂英玉萍红燕慧春梅琳雪倩婷颖琴云莉凤洁佳"
ROADS = ["龙吴路", "沧源路", "虹梅路", "莲花南路", "古美路", "平南路", "莘松路", "七莘路", "春申路", "都市路", "沪闵路",
         "银都路"]

# Household templates: (weight, category weights, tags options, members as (relation, age bands, sex or None))
TEMPLATES: list[tuple[int, list[tuple[str, int]], list[list[str]], list[tuple[str, list[str], str | None]]]] = [
    (30, [("minimum_living", 5), ("extreme_poverty", 3), ("marginal_low_income", 2)],
     [["elderly_alone"], ["elderly_alone", "disabled_elderly"], ["elderly_alone", "dementia"],
      ["elderly_alone", "serious_illness"]],
     [("head", ["age_70_79", "age_80_plus"], None)]),
    (18, [("minimum_living", 4), ("marginal_low_income", 4), ("expenditure_poverty", 2)],
     [["empty_nest"], ["empty_nest", "disabled_elderly"], ["empty_nest", "serious_illness"]],
     [("head", ["age_70_79", "age_80_plus"], "male"), ("spouse", ["age_70_79", "age_80_plus"], "female")]),
    (16, [("minimum_living", 5), ("marginal_low_income", 3), ("expenditure_poverty", 2)],
     [["child_in_difficulty"], ["child_in_difficulty", "poor_student"], ["poor_student"]],
     [("head", ["age_40_59", "age_18_39"], None), ("child", ["age_6_17"], None), ("child", ["age_0_5"], None)]),
    (14, [("expenditure_poverty", 6), ("minimum_living", 3), ("marginal_low_income", 1)],
     [["serious_illness"], ["serious_illness", "poor_student"]],
     [("head", ["age_40_59"], None), ("spouse", ["age_40_59"], None), ("child", ["age_6_17", "age_18_39"], None)]),
    (12, [("minimum_living", 6), ("extreme_poverty", 4)],
     [["severe_disability"], ["severe_disability", "serious_illness"]],
     [("head", ["age_40_59", "age_18_39"], None), ("parent", ["age_70_79", "age_60_69"], None)]),
    (6, [("extreme_poverty", 7), ("minimum_living", 3)],
     [["orphan_disabled_child"], ["orphan_disabled_child", "child_in_difficulty"]],
     [("head", ["age_60_69", "age_70_79"], None), ("grandchild", ["age_6_17", "age_0_5"], None)]),
    (4, [("marginal_low_income", 5), ("expenditure_poverty", 5)],
     [["empty_nest", "dementia"], ["disabled_elderly", "dementia"]],
     [("head", ["age_80_plus"], None), ("child", ["age_40_59"], None)]),
]

ELDER_NEEDS = [
    ("service", "home_visit", 60), ("service", "meal_delivery", 300), ("service", "cleaning", 120),
    ("service", "hospital_escort", 240), ("service", "haircut", 30), ("service", "psychological_support", 60),
    ("service", "repair", 90),
    ("goods", ("mobility_aid", "轮椅"), 1), ("goods", ("mobility_aid", "助行器"), 1),
    ("goods", ("clothing", "棉被"), 2), ("goods", ("appliance", "取暖器"), 1), ("goods", ("food", "大米"), 2),
    ("goods", ("medical", "成人纸尿裤"), 6), ("money", "medical", 300000),
]
FAMILY_NEEDS = [
    ("money", "tuition", 250000), ("money", "medical", 800000), ("money", "living", 150000),
    ("goods", ("school_supplies", "书包"), 1), ("goods", ("school_supplies", "文具套装"), 2),
    ("goods", ("clothing", "儿童服装"), 3), ("goods", ("school_supplies", "护眼台灯"), 1),
    ("goods", ("food", "食用油"), 2),
    ("service", "tutoring", 480), ("service", "psychological_support", 120), ("service", "legal_advice", 60),
]
DESCRIPTIONS = {
    "tuition": "孩子下学期学杂费缺口", "medical": "住院自付部分医疗费用", "living": "冬季生活困难临时补助",
}


def _pick_weighted(rng: Any, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _name(rng: Any, sex: str) -> str:
    given = MALE if sex == "male" else FEMALE
    return rng.choice(SURNAMES) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.55 else "")


def _birth(rng: Any, band: str, today: dt.date) -> str:
    low, high = {"age_0_5": (0, 5), "age_6_17": (6, 17), "age_18_39": (18, 39), "age_40_59": (40, 59),
                 "age_60_69": (60, 69), "age_70_79": (70, 79), "age_80_plus": (80, 96)}[band]
    year = today.year - rng.randint(low, high)
    return f"{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def _phone(rng: Any) -> str:
    if rng.random() < 0.2:
        return f"021-{rng.randint(5000, 6999)}{rng.randint(1000, 9999)}"
    return f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def load(ctx: Any) -> None:
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate()
    month_start = dt.datetime.combine(today.replace(day=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    places: list[tuple[str, Any]] = []  # (street code, community or grid)
    for code in STREETS:
        for c in range(1, 5):
            places.append((code, ctx.regions[f"{code}-c{c}"]))
            places += [(code, ctx.regions[f"{code}-c{c}-g{g}"]) for g in (1, 2)]
    visitors = {code: [ctx.users[f"sw-{i}"] for i in range(20) if i % 3 == n] + [ctx.users[f"staff-{code}"]]
                for n, code in enumerate(STREETS)}
    staff = {code: ctx.users[f"staff-{code}"] for code in STREETS}

    # --- households, members, personal data (plain values first; ids come with bulk_create) ---------------
    rows: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for i in range(HOUSEHOLDS):
        street_code, region = places[i % len(places)] if i < len(places) else rng.choice(places)
        template = _pick_weighted(rng, [(t, t[0]) for t in TEMPLATES])
        _w, categories, tag_options, member_specs = template
        members: list[tuple[str, str, str]] = []
        for relation, bands, sex in member_specs:
            if relation == "child" and members and len(members) >= 2 and rng.random() < 0.4:
                continue  # not every family has a second child
            members.append((relation, rng.choice(bands), sex or rng.choice(["male", "female"])))
        head_band, head_sex = members[0][1], members[0][2]
        while True:
            number = crypto.make_id_number(AREA_CODE, _birth(rng, head_band, today), rng.randint(0, 999))
            if number not in seen_ids:
                seen_ids.add(number)
                break
        community = region.parent if region.level == "grid" else region
        rows.append({
            "street": street_code, "region": region, "category": _pick_weighted(rng, categories),
            "tags": rng.choice(tag_options), "members": members, "id_number": number,
            "names": [_name(rng, sex) for _r, _b, sex in members], "phone": _phone(rng),
            "address": f"{community.name.removesuffix('社区')}{rng.choice(ROADS)}{rng.randint(1, 1200)}弄"
                       f"{rng.randint(1, 60)}号{rng.randint(1, 6)}{rng.randint(0, 2)}{rng.randint(1, 4)}室",
            "registered": now - dt.timedelta(days=rng.randint(62, 900), minutes=rng.randint(0, 1440)),
            "check": _pick_weighted(rng, [("passed", 70), ("in_progress", 10), ("not_checked", 12), ("failed", 8)]),
            "head_sex": head_sex,
        })
    # A few people registered by two streets: the later row reuses an earlier row's number (another street).
    by_street: dict[str, list[int]] = {code: [] for code in STREETS}
    for n, row in enumerate(rows):
        by_street[row["street"]].append(n)
    duplicate_pairs: list[tuple[int, int]] = []
    for k in range(DUPLICATE_PAIRS):
        a_street, b_street = STREETS[k % 3], STREETS[(k + 1) % 3]
        a, b = by_street[a_street][10 + k], by_street[b_street][20 + k]
        rows[b]["id_number"] = rows[a]["id_number"]
        rows[b]["names"][0] = rows[a]["names"][0]
        duplicate_pairs.append((a, b))
    duplicated = {n for pair in duplicate_pairs for n in pair}

    households = Household.objects.bulk_create([
        Household(
            region=row["region"], category=row["category"], tags=row["tags"],
            registered_by=ctx.workstations[row["street"]], economic_check_status=row["check"],
            checked_at=(row["registered"] + dt.timedelta(days=20)).date() if row["check"] in ("passed", "failed")
            else None,
            next_check_due=(row["registered"] + dt.timedelta(days=385)).date() if row["check"] == "passed" else None,
            possible_duplicate=n in duplicated,
        )
        for n, row in enumerate(rows)
    ])
    # created_at is auto_now_add; give the demo realistic registration dates in one statement.
    with connection.cursor() as cursor:
        values = ",".join(["(%s, %s::timestamptz)"] * len(households))
        params: list[Any] = []
        for household, row in zip(households, rows, strict=True):
            params += [household.id, row["registered"]]
        cursor.execute(f"UPDATE households_household h SET created_at = v.c FROM (VALUES {values}) AS v(id, c) "
                       "WHERE h.id = v.id", params)
    ctx.advance("困难家庭 households", len(households))

    HouseholdMember.objects.bulk_create([
        HouseholdMember(household=household, position=p, relation=relation, age_band=band, sex=sex,
                        tags=[t for t in row["tags"] if p == 0 or t in ("poor_student", "child_in_difficulty",
                                                                         "orphan_disabled_child")
                              and band in ("age_0_5", "age_6_17")])
        for household, row in zip(households, rows, strict=True)
        for p, (relation, band, sex) in enumerate(row["members"])
    ])
    HouseholdPersonal.objects.bulk_create([
        HouseholdPersonal(
            household=household, head_name_enc=crypto.encrypt(row["names"][0]),
            id_number_enc=crypto.encrypt(row["id_number"]), phone_enc=crypto.encrypt(row["phone"]),
            address_enc=crypto.encrypt(row["address"]), member_names_enc=crypto.encrypt_list(row["names"]),
            id_number_hmac=crypto.id_number_hmac(row["id_number"]),
        )
        for household, row in zip(households, rows, strict=True)
    ])
    PersonalDataAccess.objects.bulk_create([
        PersonalDataAccess(actor=staff[row["street"]], household=household, operation="write", purpose="register",
                           fields=list(crypto.PERSONAL_FIELDS))
        for household, row in zip(households, rows, strict=True)
    ])
    flags = []
    for a, b in duplicate_pairs:
        ha, hb = households[a], households[b]
        flags.append(DuplicateFlag(household=ha, other_household=hb, other_street=ctx.regions[rows[b]["street"]],
                                   other_registered_on=timezone.localdate(rows[b]["registered"])))
        flags.append(DuplicateFlag(household=hb, other_household=ha, other_street=ctx.regions[rows[a]["street"]],
                                   other_registered_on=timezone.localdate(rows[a]["registered"])))
    DuplicateFlag.objects.bulk_create(flags)
    ctx.advance("困难家庭 households", len(rows))

    # --- needs with their history ----------------------------------------------------------------------------
    needs: list[Need] = []
    for household, row in zip(households, rows, strict=True):
        elderly = row["members"][0][1] in ("age_70_79", "age_80_plus") or "empty_nest" in row["tags"]
        pool = ELDER_NEEDS if elderly else FAMILY_NEEDS
        for kind, what, size in rng.sample(pool, rng.choice([1, 1, 2, 2, 2, 3])):
            opened = now - dt.timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
            status = _pick_weighted(rng, [("open", 78), ("fulfilled", 15), ("closed", 7)])
            need = Need(household=household, kind=kind, status=status, opened_at=opened,
                        urgent=rng.random() < 0.08, created_by=staff[row["street"]])
            if kind == "money":
                need.amount_fen = size + rng.randint(0, 20) * 10000
                need.description = DESCRIPTIONS[what]
            elif kind == "goods":
                need.goods_category, need.goods_item = what
                need.quantity = size
            else:
                need.service_type = what
                need.minutes = size
            needs.append(need)
    Need.objects.bulk_create(needs)
    history = []
    for need in needs:
        actor = need.created_by
        history.append(NeedStatusChange(need=need, actor=actor, from_status="", to_status="open"))
        if need.status == "fulfilled":
            history += [NeedStatusChange(need=need, actor=actor, from_status="open", to_status="proposed"),
                        NeedStatusChange(need=need, actor=actor, from_status="proposed", to_status="matched"),
                        NeedStatusChange(need=need, actor=actor, from_status="matched", to_status="fulfilled",
                                         note="已送达")]
        elif need.status == "closed":
            history.append(NeedStatusChange(need=need, actor=actor, from_status="open", to_status="closed",
                                            note="已通过其他渠道解决"))
    NeedStatusChange.objects.bulk_create(history)
    ctx.advance("需求 needs", len(needs))

    # --- visits: last month mostly done, this month about 60% so far ------------------------------------------
    visits = []
    key_tags = {"elderly_alone", "disabled_elderly", "dementia", "child_in_difficulty", "orphan_disabled_child",
                "empty_nest", "severe_disability"}
    so_far = max(int((now - month_start).total_seconds()), 3600)
    for household, row in zip(households, rows, strict=True):
        key = bool(key_tags & set(row["tags"]))
        who = visitors[row["street"]]
        if rng.random() < (0.93 if key else 0.3):
            visits.append(Visit(household=household, visitor=rng.choice(who),
                                visited_at=month_start - dt.timedelta(days=rng.randint(1, 27), hours=rng.randint(0, 9)),
                                notes=rng.choice(["身体状况稳定", "已送米面油", "独居,精神尚可", "需关注用药情况",
                                                  "家中卫生较差,已联系保洁志愿者", "孩子学习情况良好"])))
        if rng.random() < (0.6 if key else 0.15):
            visits.append(Visit(household=household, visitor=rng.choice(who),
                                visited_at=month_start + dt.timedelta(seconds=rng.randint(0, so_far - 1)),
                                notes=rng.choice(["身体状况稳定", "血压偏高,已提醒复诊", "需求已登记", "情绪良好"])))
    Visit.objects.bulk_create(visits)
    ctx.advance("探访 visits", len(visits))

    open_needs = [n for n in needs if n.status == "open"]
    ctx.data["household_ids"] = [h.id for h in households]
    ctx.data["households_by_street"] = {
        code: [households[n].id for n in idx] for code, idx in by_street.items()
    }
    ctx.data["open_need_ids"] = [n.id for n in open_needs]
    ctx.data["urgent_need_ids"] = [n.id for n in open_needs if n.urgent]
    ctx.data["fulfilled_need_ids"] = [n.id for n in needs if n.status == "fulfilled"]
    ctx.data["needs_by_kind"] = {k: [n.id for n in open_needs if n.kind == k] for k in ("money", "goods", "service")}
    ctx.data["duplicate_household_ids"] = sorted(households[n].id for n in duplicated)
