"""The organisation in whose name receipts are issued (settings first, then HUZHU_ORG_* environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Organisation:
    name: str
    credit_code: str
    address: str
    phone: str
    bank: str


def organisation() -> Organisation:
    return Organisation(
        name=getattr(settings, "HUZHU_ORGANISATION_NAME", "") or "互助社区慈善服务中心",
        credit_code=os.environ.get("HUZHU_ORG_CREDIT_CODE", "52310000MJ0000000X"),
        address=os.environ.get("HUZHU_ORG_ADDRESS", "上海市闵行区互助路 1 号"),
        phone=os.environ.get("HUZHU_ORG_PHONE", "021-0000 0000"),
        bank=os.environ.get("HUZHU_ORG_BANK", "开户行:示例银行闵行支行 账号:0000 0000 0000 0000"),
    )
