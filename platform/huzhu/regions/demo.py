"""Demo regions: 闵行区 with 3 streets, 4 communities each, 2 grids per community."""

from __future__ import annotations

from typing import Any

from .models import Region
from .services import region_insert

STREETS = {
    "jiangchuan": ("江川路街道", ["东风", "红旗", "永德", "鹤庆"]),
    "gumei": ("古美路街道", ["古美一村", "古美西", "平阳", "万源"]),
    "xinzhuang": ("莘庄镇", ["莘城", "西湖", "康城", "绿梅"]),
}


def _make(code: str, name: str, level: str, parent: Region | None) -> Region:
    return region_insert(name=name, code=code, level=level, parent=parent)


def load(ctx: Any) -> None:
    district = _make("minhang", "闵行区", Region.Level.DISTRICT, None)
    ctx.regions["minhang"] = district
    for street_code, (street_name, communities) in STREETS.items():
        street = _make(street_code, street_name, Region.Level.STREET, district)
        ctx.regions[street_code] = street
        for i, community_name in enumerate(communities, start=1):
            community_code = f"{street_code}-c{i}"
            community = _make(community_code, f"{community_name}社区", Region.Level.COMMUNITY, street)
            ctx.regions[community_code] = community
            for g in (1, 2):
                ctx.regions[f"{community_code}-g{g}"] = _make(
                    f"{community_code}-g{g}", f"{community_name}第{g}网格", Region.Level.GRID, community
                )
        ctx.advance("区域 regions", 1 + len(communities) * 3)
