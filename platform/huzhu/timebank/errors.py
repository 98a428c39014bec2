"""Typed errors of the time bank, with zh-Hans messages; ledger errors are mapped onto them here."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import ServiceError


class TimeBankErrorCode(models.TextChoices):
    NOT_FOUND = "NOT_FOUND", _("找不到该对象,或您无权查看。")
    PERMISSION_DENIED = "PERMISSION_DENIED", _("您没有执行此操作的权限。")
    INVALID = "INVALID", _("输入无效。")
    REQUIRED = "REQUIRED", _("此项为必填。")
    TOO_LONG = "TOO_LONG", _("输入过长。")
    OUT_OF_RANGE = "OUT_OF_RANGE", _("数值超出允许范围。")
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH", _("同一幂等键已用于不同的请求。")
    NOT_A_MEMBER = "NOT_A_MEMBER", _("您还没有时间银行账户。")
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE", _("可用时间余额不足。")
    YEARLY_GIVE_CAP = "YEARLY_GIVE_CAP", _("超出本年度可赠与的时长上限(本年还可赠与 %(left)s 分钟)。")
    RECIPIENT_CAP = "RECIPIENT_CAP", _("对方账户将超出存储上限,无法接收这么多时长。")
    NOT_LINKED = "NOT_LINKED", _("只能赠与已互相确认关联的亲友。")
    LINK_EXISTS = "LINK_EXISTS", _("已经存在该关联。")
    SELF = "SELF", _("不能对自己进行此操作。")
    BELOW_REDEMPTION_AGE = "BELOW_REDEMPTION_AGE", _("未达到兑换服务的年龄(%(age)s 岁)。")
    BIRTH_YEAR_UNKNOWN = "BIRTH_YEAR_UNKNOWN", _("未登记出生年份,无法核实兑换资格。")
    OUTSIDE_DISTRICT = "OUTSIDE_DISTRICT", _("只能在本区范围内兑换服务。")
    NOT_A_STREET = "NOT_A_STREET", _("请选择一个街道。")
    ALREADY_SETTLED = "ALREADY_SETTLED", _("该兑换已经结算,不能再更改。")
    ALREADY_REVERSED = "ALREADY_REVERSED", _("该服务记录已经冲正。")
    ACCOUNT_CLOSED = "ACCOUNT_CLOSED", _("账户已关闭。")
    POOL_EMPTY = "POOL_EMPTY", _("社区时间池余额不足。")
    NO_SERVICE = "NO_SERVICE", _("还没有经确认的服务时长,无法出具证明。")
    LEDGER = "LEDGER", _("账本拒绝了该操作。")


class TimeBankError(ServiceError):
    def __init__(self, code: TimeBankErrorCode, message: Any = None, *, field: str | None = None,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, field=field, params=params)


def from_service_error(exc: ServiceError) -> TimeBankError:
    """A CommonErrorCode error (from check_text, check_amount, decode_id) as a TimeBankError with the same code."""
    code = TimeBankErrorCode(exc.code) if exc.code in TimeBankErrorCode.values else TimeBankErrorCode.INVALID
    err = TimeBankError(code, exc._message, field=exc.field, params=exc.params)
    return err
