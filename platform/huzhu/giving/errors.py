"""Typed errors of giving: one code enum, zh-Hans messages first, raised as ServiceError(GivingErrorCode.X)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import ServiceError


class GivingErrorCode(models.TextChoices):
    NOT_FOUND = "NOT_FOUND", _("找不到该对象,或您无权查看。")
    PERMISSION_DENIED = "PERMISSION_DENIED", _("您没有执行此操作的权限。")
    INVALID = "INVALID", _("输入无效。")
    REQUIRED = "REQUIRED", _("此项为必填。")
    TOO_LONG = "TOO_LONG", _("输入过长。")
    OUT_OF_RANGE = "OUT_OF_RANGE", _("数值超出允许范围。")
    CONFLICT = "CONFLICT", _("数据已被他人修改,请刷新后重试。")
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH", _("同一幂等键已用于不同的请求。")
    INVALID_AMOUNT = "INVALID_AMOUNT", _("捐赠金额必须是大于零的整数(分),且不超过单笔上限。")
    CURRENCY_NOT_SUPPORTED = "CURRENCY_NOT_SUPPORTED", _("仅支持人民币(CNY)捐赠。")
    ONLINE_PAYMENT_DISABLED = "ONLINE_PAYMENT_DISABLED", _("在线支付暂未开通,请通过慈善工作站线下捐赠。")
    PAYMENT_PROVIDER_ERROR = "PAYMENT_PROVIDER_ERROR", _("支付服务暂时不可用,请稍后再试。")
    EARMARK_INVALID = "EARMARK_INVALID", _("定向捐赠的对象无效或已不接受捐赠。")
    EARMARK_MISMATCH = "EARMARK_MISMATCH", _("这笔定向资金不能用于该需求或项目。")
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS", _("可用资金不足。")
    NOT_REFUNDABLE = "NOT_REFUNDABLE", _("该捐赠当前状态不可退款。")
    REFUND_EXCEEDS_HELD = "REFUND_EXCEEDS_HELD", _("退款金额超过该笔捐赠尚未拨付的余额。")
    RECEIPT_NUMBER_TAKEN = "RECEIPT_NUMBER_TAKEN", _("该票据号已被使用。")
    RECEIPT_NOT_AVAILABLE = "RECEIPT_NOT_AVAILABLE", _("该捐赠尚未到账,暂无票据。")
    UNKNOWN_GOODS_ITEM = "UNKNOWN_GOODS_ITEM", _("未知的物资类别或品名。")
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK", _("库存不足,无法预留。")
    WRONG_STATE = "WRONG_STATE", _("当前状态不允许此操作。")
    RECURRING_SETUP_INCOMPLETE = "RECURRING_SETUP_INCOMPLETE", _("尚未完成支付方式绑定。")
    CARD_DECLINED = "CARD_DECLINED", _("银行卡被拒绝或未通过验证,请换一张卡再试。")
    NOT_ONLINE_GIFT = "NOT_ONLINE_GIFT", _("只有在线支付的捐赠可以继续支付或取消。")
    NOT_PENDING = "NOT_PENDING", _("这笔捐赠已到账或已取消,不能再取消。")
    PAYMENT_IN_PROGRESS = "PAYMENT_IN_PROGRESS", _("这笔付款已完成或正在处理,无法取消;到账后可在“我的捐赠”中查看。")


class GivingError(ServiceError):
    """A giving business-rule failure; the service's transaction rolls back and nothing is written."""
