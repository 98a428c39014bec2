from django.db import models
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import ServiceError


class MatchingErrorCode(models.TextChoices):
    NOT_FOUND = "NOT_FOUND", _("找不到该匹配,或您无权查看。")
    PERMISSION_DENIED = "PERMISSION_DENIED", _("您没有审核此匹配的权限。")
    NOT_PROPOSED = "NOT_PROPOSED", _("该匹配已被处理,不能再次审核。")
    SUPPLY_TAKEN = "SUPPLY_TAKEN", _("该物资/资金已被其他匹配占用,请刷新后选择其他候选。")
    EARMARK_MISMATCH = "EARMARK_MISMATCH", _("该资金的定向用途不包括此需求。")
    NO_CANDIDATE = "NO_CANDIDATE", _("暂时没有可匹配的资源。")
    NEED_NOT_OPEN = "NEED_NOT_OPEN", _("该需求不在待对接状态。")
    FAIRNESS_CAP = "FAIRNESS_CAP", _("该家庭本月受助次数已达上限。")
    NO_SOCIAL_WORKER = "NO_SOCIAL_WORKER", _("该区域没有可带队的社工。")
    INVALID = "INVALID", _("输入无效。")
    REASON_REQUIRED = "REASON_REQUIRED", _("请填写拒绝理由。")
    WRONG_STAGE = "WRONG_STAGE", _("当前状态不能执行此操作。")


class MatchingError(ServiceError):
    pass
