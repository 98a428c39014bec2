"""Typed errors of volunteering: one code per rule a volunteer or social worker can run into.

Messages are zh-Hans first (gettext_lazy); the web app switches on the code, never on the message.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import ServiceError


class VolunteeringErrorCode(models.TextChoices):
    # common codes, repeated so that one enum covers every error a volunteering mutation returns
    NOT_FOUND = "NOT_FOUND", _("找不到该对象,或您无权查看。")
    PERMISSION_DENIED = "PERMISSION_DENIED", _("您没有执行此操作的权限。")
    INVALID = "INVALID", _("输入无效。")
    REQUIRED = "REQUIRED", _("此项为必填。")
    TOO_LONG = "TOO_LONG", _("输入过长。")
    OUT_OF_RANGE = "OUT_OF_RANGE", _("数值超出允许范围。")
    CONFLICT = "CONFLICT", _("数据已被他人修改,请刷新后重试。")
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH", _("同一幂等键已用于不同的请求。")
    # claiming
    TASK_FULL = "TASK_FULL", _("该任务名额已满。")
    TASK_NOT_OPEN = "TASK_NOT_OPEN", _("该任务当前不接受报名。")
    ALREADY_CLAIMED = "ALREADY_CLAIMED", _("您已报名该任务。")
    OVERLAP = "OVERLAP", _("该任务与您已报名的另一任务时间冲突。")
    MISSING_SKILL = "MISSING_SKILL", _("您缺少该任务要求的技能:%(skills)s。")
    WEEKLY_LIMIT = "WEEKLY_LIMIT", _("报名后本周服务时长将超过每周上限 %(hours)s 小时。")
    SUSPENDED = "SUSPENDED", _("因多次未到岗,您在 %(until)s 之前不能报名新任务。")
    UNDER_18_GROUP_ONLY = "UNDER_18_GROUP_ONLY", _("未满 18 周岁的志愿者只能随团体报名。")
    NOT_A_VOLUNTEER = "NOT_A_VOLUNTEER", _("请先完善志愿者资料。")
    GROUP_CODE_INVALID = "GROUP_CODE_INVALID", _("团体报名码无效。")
    GROUP_FULL = "GROUP_FULL", _("该团体预留的名额已用完。")
    NOT_CLAIMED = "NOT_CLAIMED", _("您没有报名该任务。")
    WITHDRAWAL_CLOSED = "WITHDRAWAL_CLOSED", _("任务开始前 %(hours)s 小时内不能退出,请联系社工。")
    # lifecycle
    BAD_TRANSITION = "BAD_TRANSITION", _("任务当前状态为「%(status)s」,不能执行此操作。")
    NOT_LEAD = "NOT_LEAD", _("只有本任务的带队社工可以执行此操作。")
    LEAD_NOT_SOCIAL_WORKER = "LEAD_NOT_SOCIAL_WORKER", _("带队人必须是该社区的社工。")
    TIME_IN_PAST = "TIME_IN_PAST", _("开始时间不能早于现在。")
    BAD_TIME_RANGE = "BAD_TIME_RANGE", _("结束时间必须晚于开始时间,且任务不超过 24 小时。")
    SLOTS_TAKEN = "SLOTS_TAKEN", _("剩余名额不足以预留。")
    RELEASE_AFTER_START = "RELEASE_AFTER_START", _("预留名额的释放时间必须早于任务开始时间。")
    # address
    NOT_ON_TEAM = "NOT_ON_TEAM", _("只有本任务的社工和已报名的志愿者可以查看地址。")
    NO_ADDRESS = "NO_ADDRESS", _("该任务没有需要保密的地址。")
    # check-in
    TOKEN_INVALID = "TOKEN_INVALID", _("二维码无效,请重新扫描。")
    TOKEN_EXPIRED = "TOKEN_EXPIRED", _("二维码已过期,请扫描社工屏幕上的最新二维码。")
    TOKEN_OTHER_TASK = "TOKEN_OTHER_TASK", _("该二维码属于另一个任务。")
    TOKEN_REPLAYED = "TOKEN_REPLAYED", _("该二维码已使用过,请扫描最新的二维码。")
    CHECKIN_NOT_OPEN = "CHECKIN_NOT_OPEN", _("还未到签到时间,或任务已结束。")
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN", _("您已签到。")
    NOT_CHECKED_IN = "NOT_CHECKED_IN", _("尚未签到。")
    ALREADY_CHECKED_OUT = "ALREADY_CHECKED_OUT", _("已签退。")
    # hours
    NOT_CHECKED_OUT = "NOT_CHECKED_OUT", _("该志愿者尚未签退,不能确认时长。")
    ALREADY_CONFIRMED = "ALREADY_CONFIRMED", _("时长已确认;如需更正请使用更正功能。")
    NOT_CONFIRMED = "NOT_CONFIRMED", _("时长尚未确认,请直接修改。")
    NOTHING_TO_CONFIRM = "NOTHING_TO_CONFIRM", _("没有待确认的时长。")
    TIMEBANK_UNAVAILABLE = "TIMEBANK_UNAVAILABLE", _("时间银行暂不可用,时长未入账,请稍后重试。")
    TIMEBANK_REFUSED = "TIMEBANK_REFUSED", _("时间银行拒绝了该操作。")
    HOUSEHOLDS_REFUSED = "HOUSEHOLDS_REFUSED", _("困难家庭系统拒绝了该操作。")


class VolunteeringError(ServiceError):
    """A volunteering rule failed; the service's transaction rolls back, so nothing was written."""

    def __init__(self, code: VolunteeringErrorCode, message: Any = None, *, field: str | None = None,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, field=field, params=params)
