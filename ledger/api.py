"""The ledger's public API. Apps call only this module (and read ledger.models); nothing here imports huzhu.

Amounts are integers in the ledger's unit: TIME in minutes, CNY in fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ledger.models import Account, Ledger

__all__ = [
    "Ledger",
    "LedgerErrorCode",
    "LedgerError",
    "Balance",
    "TransferRequest",
    "TransferResult",
    "account_open",
    "account_get",
    "account_close",
    "create_transfers",
    "transfer",
    "post_pending",
    "void_pending",
    "reverse",
    "balance",
    "balances",
    "group_balance",
    "account_history",
    "expire_pending",
]


class LedgerErrorCode(models.TextChoices):
    AMOUNT_INVALID = "AMOUNT_INVALID", _("金额必须是正整数,且不超过上限。")
    ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND", _("账户不存在。")
    ACCOUNT_CLOSED = "ACCOUNT_CLOSED", _("账户已关闭。")
    LEDGER_MISMATCH = "LEDGER_MISMATCH", _("转账双方必须属于同一账本。")
    SAME_ACCOUNT = "SAME_ACCOUNT", _("借方与贷方不能是同一账户。")
    EXCEEDS_CREDITS = "EXCEEDS_CREDITS", _("余额不足。")
    EXCEEDS_DEBITS = "EXCEEDS_DEBITS", _("贷方金额不能超过借方金额。")
    EXCEEDS_CREDIT_LIMIT = "EXCEEDS_CREDIT_LIMIT", _("超出透支额度。")
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH", _("同一幂等键已用于不同的转账。")
    PENDING_NOT_FOUND = "PENDING_NOT_FOUND", _("找不到该冻结转账。")
    PENDING_ALREADY_RESOLVED = "PENDING_ALREADY_RESOLVED", _("该冻结转账已入账或已撤销。")
    PENDING_EXPIRED = "PENDING_EXPIRED", _("该冻结转账已过期。")
    POST_EXCEEDS_PENDING = "POST_EXCEEDS_PENDING", _("入账金额不能超过冻结金额。")
    LINKED_EVENT_FAILED = "LINKED_EVENT_FAILED", _("同一批关联转账中有一笔失败,整批未执行。")
    REVERSAL_EXCEEDS_ORIGINAL = "REVERSAL_EXCEEDS_ORIGINAL", _("冲正金额不能超过原转账未冲正的金额。")
    # Added beyond the first contract:
    TRANSFER_NOT_FOUND = "TRANSFER_NOT_FOUND", _("找不到要冲正的已入账转账。")
    CLIENT_ID_INVALID = "CLIENT_ID_INVALID", _("幂等键不能为空,且不超过 128 个字符。")
    FIELDS_INVALID = "FIELDS_INVALID", _("转账字段组合无效。")
    OVERFLOW = "OVERFLOW", _("账户余额将超出上限。")


class LedgerError(Exception):
    """A transfer (or account operation) was refused; nothing was written."""

    def __init__(self, code: str, message: str | None = None, *, client_id: str | None = None) -> None:
        self.code = str(code)
        try:
            label = LedgerErrorCode(self.code).label
        except ValueError:
            label = self.code
        self.message = str(message if message is not None else label)
        self.client_id = client_id
        super().__init__(f"{self.code}: {self.message}")


@dataclass(frozen=True)
class Balance:
    debits_posted: int = 0
    credits_posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0

    @property
    def posted(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def available(self) -> int:
        return self.credits_posted - self.debits_posted - self.debits_pending


@dataclass
class TransferRequest:
    client_id: str
    debit_account_id: int
    credit_account_id: int
    amount: int
    ledger: str
    code: str = ""
    pending: bool = False
    timeout_seconds: int | None = None
    post_pending_id: int | None = None
    void_pending_id: int | None = None
    reverses_id: int | None = None
    linked: bool = False
    memo: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TransferResult:
    client_id: str
    transfer_id: int | None
    ok: bool
    replayed: bool
    error: str | None
    balances: dict[int, Balance]


def account_open(
    *,
    ledger: str,
    code: str,
    name: str = "",
    group: str = "",
    debits_must_not_exceed_credits: bool = True,
    credits_must_not_exceed_debits: bool = False,
    credit_limit: int | None = None,
) -> Account:
    raise NotImplementedError


def account_get(code: str) -> Account | None:
    raise NotImplementedError


def account_close(*, account_id: int) -> None:
    raise NotImplementedError


def create_transfers(requests: list[TransferRequest]) -> list[TransferResult]:
    raise NotImplementedError


def transfer(**fields: Any) -> TransferResult:
    raise NotImplementedError


def post_pending(*, client_id: str, pending_id: int, amount: int = 0) -> TransferResult:
    raise NotImplementedError


def void_pending(*, client_id: str, pending_id: int) -> TransferResult:
    raise NotImplementedError


def reverse(*, client_id: str, transfer_id: int, amount: int | None = None, memo: dict | None = None) -> TransferResult:
    raise NotImplementedError


def balance(account_id: int) -> Balance:
    raise NotImplementedError


def balances(account_ids: list[int]) -> dict[int, Balance]:
    raise NotImplementedError


def group_balance(group: str) -> Balance:
    raise NotImplementedError


def account_history(account_id: int) -> QuerySet:
    raise NotImplementedError


def expire_pending(now: Any = None) -> int:
    raise NotImplementedError
