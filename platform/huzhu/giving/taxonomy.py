"""The goods taxonomy (物资分类), conditions, units, service types and need categories.

A stock item is addressed by its key "<category>/<item>", e.g. "clothes_bedding/quilt". The list is code, not
data: the web app reads it through GraphQL (goodsTaxonomy), and matching compares a goods need's category and
item with these keys. Medicine is deliberately absent: the workstations do not accept or hand out medicine.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from huzhu.households.models import ServiceType as HouseholdServiceType


class GoodsCategory(models.TextChoices):
    CLOTHES_BEDDING = "clothes_bedding", _("衣物被褥")
    FOOD_GRAIN_OIL = "food_grain_oil", _("食品粮油")
    APPLIANCES = "appliances", _("家用电器")
    ASSISTIVE_DEVICES = "assistive_devices", _("康复辅具")
    STATIONERY = "stationery", _("文具图书")
    PERSONAL_CARE = "personal_care", _("个人护理用品(不含药品)")
    HOUSEHOLD = "household", _("日用百货")


class GoodsCondition(models.TextChoices):
    NEW = "new", _("全新")
    LIKE_NEW = "like_new", _("九成新及以上")
    USED_GOOD = "used_good", _("旧但完好")


@dataclass(frozen=True)
class GoodsItem:
    category: str
    item: str
    name: str
    unit: str

    @property
    def key(self) -> str:
        return f"{self.category}/{self.item}"


def _items(category: str, rows: list[tuple[str, str, str]]) -> list[GoodsItem]:
    return [GoodsItem(category, item, name, unit) for item, name, unit in rows]


C = GoodsCategory
ITEMS: list[GoodsItem] = [
    *_items(C.CLOTHES_BEDDING, [
        ("winter_coat", "冬季外套", "件"), ("sweater", "毛衣", "件"), ("quilt", "棉被", "床"),
        ("bedding_set", "床上四件套", "套"), ("children_clothes", "儿童服装", "件"), ("shoes", "鞋", "双"),
    ]),
    *_items(C.FOOD_GRAIN_OIL, [
        ("rice", "大米(10斤装)", "袋"), ("flour", "面粉(10斤装)", "袋"), ("cooking_oil", "食用油(5升)", "桶"),
        ("milk", "牛奶(整箱)", "箱"), ("noodles", "挂面", "包"),
    ]),
    *_items(C.APPLIANCES, [
        ("electric_heater", "取暖器", "台"), ("rice_cooker", "电饭煲", "台"), ("fan", "电风扇", "台"),
        ("washing_machine", "洗衣机", "台"), ("microwave", "微波炉", "台"),
    ]),
    *_items(C.ASSISTIVE_DEVICES, [
        ("wheelchair", "轮椅", "辆"), ("walker", "助行器", "个"), ("crutches", "拐杖", "副"),
        ("commode_chair", "坐便椅", "把"), ("hearing_aid", "助听器", "个"), ("nursing_bed", "护理床", "张"),
    ]),
    *_items(C.STATIONERY, [
        ("school_bag", "书包", "个"), ("stationery_set", "文具套装", "套"), ("books", "课外读物", "本"),
        ("desk_lamp", "护眼台灯", "台"),
    ]),
    *_items(C.PERSONAL_CARE, [
        ("adult_diapers", "成人纸尿裤", "包"), ("toiletries_set", "洗护套装", "套"), ("towels", "毛巾", "条"),
    ]),
    *_items(C.HOUSEHOLD, [
        ("thermos", "保温瓶", "个"), ("kitchenware_set", "厨具套装", "套"),
    ]),
]
ITEMS_BY_KEY: dict[str, GoodsItem] = {i.key: i for i in ITEMS}


def goods_item(key: str) -> GoodsItem | None:
    return ITEMS_BY_KEY.get((key or "").strip())


# Service pledges use the households' service vocabulary, so a pledge of "haircut" meets a need of "haircut".
ServiceType = HouseholdServiceType

# Households describe a goods need with their own coarser categories; these are the stock categories that
# can meet each of them (matching and stock_candidates_for_need use it).
NEED_GOODS_CATEGORY_MAP: dict[str, tuple[str, ...]] = {
    "food": (GoodsCategory.FOOD_GRAIN_OIL,),
    "clothing": (GoodsCategory.CLOTHES_BEDDING,),
    "appliance": (GoodsCategory.APPLIANCES,),
    "mobility_aid": (GoodsCategory.ASSISTIVE_DEVICES,),
    "medical": (GoodsCategory.PERSONAL_CARE, GoodsCategory.ASSISTIVE_DEVICES),
    "daily_necessities": (GoodsCategory.HOUSEHOLD, GoodsCategory.PERSONAL_CARE),
    "school_supplies": (GoodsCategory.STATIONERY,),
    "other": tuple(GoodsCategory.values),
}


def item_keys_for_need(goods_category: str, goods_item: str) -> list[str]:
    """Stock item keys that can meet a household goods need: items of the mapped categories whose key, code
    or Chinese name the need's free-text item mentions (or is mentioned by); all of them when none does."""
    categories = NEED_GOODS_CATEGORY_MAP.get(goods_category, ())
    candidates = [i for i in ITEMS if i.category in categories]
    text = (goods_item or "").strip()
    named = [i for i in candidates if text and (text in (i.key, i.item) or i.name in text or text in i.name
                                                 or i.name.split("(")[0] in text)]
    return [i.key for i in (named or candidates)]


class NeedCategory(models.TextChoices):
    """What a donor can earmark money for when no single project or household is chosen."""

    MEDICAL = "medical", _("医疗救助")
    EDUCATION = "education", _("助学")
    ELDERLY = "elderly", _("助老")
    DISABILITY = "disability", _("助残")
    CHILDREN = "children", _("儿童关爱")
    EMERGENCY = "emergency", _("救急难")
    LIVING = "living", _("生活救助")
