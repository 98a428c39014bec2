"""Typed errors of charity projects: one code enum, zh-Hans messages first, raised as ProjectError(code)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import ServiceError


class ProjectErrorCode(models.TextChoices):
    NOT_FOUND = "NOT_FOUND", _("找不到该对象,或您无权查看。")
    PERMISSION_DENIED = "PERMISSION_DENIED", _("您没有执行此操作的权限。")
    INVALID = "INVALID", _("输入无效。")
    REQUIRED = "REQUIRED", _("此项为必填。")
    TOO_LONG = "TOO_LONG", _("输入过长。")
    OUT_OF_RANGE = "OUT_OF_RANGE", _("数值超出允许范围。")
    CONFLICT = "CONFLICT", _("数据已被他人修改,请刷新后重试。")
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH", _("同一幂等键已用于不同的请求。")
    WRONG_STATE = "WRONG_STATE", _("项目当前状态不允许此操作。")
    CONFLICT_OF_INTEREST = "CONFLICT_OF_INTEREST", _("存在利益冲突(同一机构或已声明回避),不能参与该项目的评审与资助。")
    NOT_A_REVIEWER = "NOT_A_REVIEWER", _("该用户不是本基金会辖区的评审专家。")
    NOT_ASSIGNED = "NOT_ASSIGNED", _("您未被分配评审该项目。")
    ALREADY_REVIEWED = "ALREADY_REVIEWED", _("本轮评审您已提交过。")
    NO_CRITERIA = "NO_CRITERIA", _("基金会尚未公布评审标准。")
    SCORES_INVALID = "SCORES_INVALID", _("评分必须覆盖每一项公布的评审标准,且为不超过满分的非负整数。")
    NO_REVIEWS = "NO_REVIEWS", _("本轮尚无评审意见,不能作出决定。")
    AMOUNT_EXCEEDS_REQUEST = "AMOUNT_EXCEEDS_REQUEST", _("资助金额不能超过申请金额。")
    INSUFFICIENT_FOUNDATION_FUNDS = "INSUFFICIENT_FOUNDATION_FUNDS", _("基金会可用资金不足。")
    MILESTONE_NOT_APPROVED = "MILESTONE_NOT_APPROVED", _("该节点的报告尚未审核通过,不能拨付此笔资助款。")
    REPORT_PENDING = "REPORT_PENDING", _("该节点已有待审核或已通过的报告。")
    OVERSPEND = "OVERSPEND", _("超出该预算科目的剩余额度(剩余 %(remaining)s 分)。")
    INSUFFICIENT_PROJECT_FUNDS = "INSUFFICIENT_PROJECT_FUNDS", _("项目账户余额不足。")
    BUDGET_REQUIRED = "BUDGET_REQUIRED", _("请至少填写一项预算。")
    MILESTONES_REQUIRED = "MILESTONES_REQUIRED", _("请至少填写一个项目节点。")
    TRANCHES_EXCEED_BUDGET = "TRANCHES_EXCEED_BUDGET", _("各节点计划拨付金额之和不能超过预算总额,且须大于零。")
    SCHEDULE_INVALID = "SCHEDULE_INVALID", _("项目周期或节点日期无效。")
    REGION_OUTSIDE_FOUNDATION = "REGION_OUTSIDE_FOUNDATION", _("项目服务区域不在该基金会的辖区内。")
    REGION_OUTSIDE_ORGANISATION = "REGION_OUTSIDE_ORGANISATION", _("项目服务区域不在申报机构的服务范围内。")
    ATTACHMENT_TOO_LARGE = "ATTACHMENT_TOO_LARGE", _("附件过大(最大 %(max)s MB)。")
    ATTACHMENT_TYPE = "ATTACHMENT_TYPE", _("不支持的附件类型(仅限 PDF、JPG、PNG、DOCX、XLSX)。")
    EARMARK_MISMATCH = "EARMARK_MISMATCH", _("这笔定向资金不能用于该项目。")
    FUNDS_TAKEN = "FUNDS_TAKEN", _("该资金已被其他拨付占用,可用余额不足。")
    REASON_REQUIRED = "REASON_REQUIRED", _("请填写理由。")
    EXPORT_UNKNOWN = "EXPORT_UNKNOWN", _("未知的导出类型或格式。")


class ProjectError(ServiceError):
    """A charity-project business-rule failure; the service's transaction rolls back and nothing is written."""
