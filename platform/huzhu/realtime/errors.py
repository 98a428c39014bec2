"""Error codes of the realtime app (the notification inbox)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RealtimeErrorCode(models.TextChoices):
    NOT_FOUND = "NOT_FOUND", _("找不到该通知,或您无权查看。")
    INVALID = "INVALID", _("输入无效。")
    TOO_MANY = "TOO_MANY", _("一次最多处理 %(max)s 条通知。")
    REQUIRED = "REQUIRED", _("请指定通知,或选择全部标为已读。")
