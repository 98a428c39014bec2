"""Error codes of the households app. Services raise ServiceError(HouseholdErrorCode.X, field=...)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import ServiceError


class HouseholdErrorCode(models.TextChoices):
    REGION_LEVEL = "REGION_LEVEL", _("困难家庭须登记在社区或网格下。")
    NO_WORKSTATION = "NO_WORKSTATION", _("该区域没有可登记的慈善工作站。")
    HEAD_REQUIRED = "HEAD_REQUIRED", _("家庭成员中须有且仅有一位户主。")
    TOO_MANY_MEMBERS = "TOO_MANY_MEMBERS", _("家庭成员人数超出上限。")
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER", _("身份证号格式或校验位不正确。")
    INVALID_PHONE = "INVALID_PHONE", _("电话号码格式不正确。")
    DUPLICATE_ID_NUMBER = "DUPLICATE_ID_NUMBER", _("该身份证号已在本街道登记。")
    NEED_DETAILS = "NEED_DETAILS", _("需求内容与需求类型不符。")
    NEED_NOT_EDITABLE = "NEED_NOT_EDITABLE", _("只有待对接的需求可以修改。")
    INVALID_TRANSITION = "INVALID_TRANSITION", _("需求状态不能这样变更。")
    VISIT_IN_FUTURE = "VISIT_IN_FUTURE", _("探访时间不能晚于现在。")
    INVALID_MONTH = "INVALID_MONTH", _("月份格式应为 YYYY-MM。")


class HouseholdError(ServiceError):
    """A ServiceError raised by the households app (its code is a HouseholdErrorCode or a CommonErrorCode)."""
