"""One exception type for every business-rule failure, translated into GraphQL errors in one place.

Each app defines its own code enum (a TextChoices) and raises ServiceError(code, ...). The GraphQL layer
(huzhu.graphql.mutations.BaseMutation) turns it into an item of the payload's `errors` list, with the code
the web app switches on and a message already translated into the request's language.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CommonErrorCode(models.TextChoices):
    NOT_FOUND = "NOT_FOUND", _("找不到该对象,或您无权查看。")
    PERMISSION_DENIED = "PERMISSION_DENIED", _("您没有执行此操作的权限。")
    INVALID = "INVALID", _("输入无效。")
    REQUIRED = "REQUIRED", _("此项为必填。")
    TOO_LONG = "TOO_LONG", _("输入过长。")
    OUT_OF_RANGE = "OUT_OF_RANGE", _("数值超出允许范围。")
    CONFLICT = "CONFLICT", _("数据已被他人修改,请刷新后重试。")
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH", _("同一幂等键已用于不同的请求。")


class ServiceError(Exception):
    """A business-rule failure: nothing was written (the service's transaction rolls back)."""

    def __init__(
        self,
        code: models.TextChoices | str,
        message: str | Promise | None = None,
        *,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.code = str(code.value if isinstance(code, models.TextChoices) else code)
        label = code.label if isinstance(code, models.TextChoices) else None
        self._message = message if message is not None else label
        self.field = field
        self.params = params or {}
        super().__init__(f"{self.code}: {self.message}")

    @property
    def message(self) -> str:
        text = str(self._message) if self._message is not None else self.code
        try:
            return text % self.params if self.params else text
        except (KeyError, TypeError, ValueError):
            return text


def not_found(field: str | None = None) -> ServiceError:
    return ServiceError(CommonErrorCode.NOT_FOUND, field=field)


def permission_denied() -> ServiceError:
    return ServiceError(CommonErrorCode.PERMISSION_DENIED)


# Limits that every service applies to free-text and amounts, so a giant string or a number that would
# overflow a bigint is refused with a clear error before it reaches the database.
MAX_SHORT_TEXT = 200
MAX_LONG_TEXT = 5000
MAX_FEN = 10**13  # 1000 亿元: far above any real gift, far below bigint
MAX_MINUTES = 10**7


def check_text(value: str, *, field: str, max_length: int = MAX_SHORT_TEXT, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(CommonErrorCode.REQUIRED, field=field)
    if len(value) > max_length:
        raise ServiceError(
            CommonErrorCode.TOO_LONG,
            _("最多 %(max)s 个字符。"),
            field=field,
            params={"max": max_length},
        )
    return value


def check_amount(value: int, *, field: str, maximum: int, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(CommonErrorCode.INVALID, _("必须是整数。"), field=field)
    if value < 0 or (value == 0 and not allow_zero):
        raise ServiceError(CommonErrorCode.OUT_OF_RANGE, _("必须是正数。"), field=field)
    if value > maximum:
        raise ServiceError(
            CommonErrorCode.OUT_OF_RANGE, _("不能超过 %(max)s。"), field=field, params={"max": maximum}
        )
    return value
