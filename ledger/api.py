"""The ledger's public API. Apps call only this module (and read ledger.models); nothing here imports huzhu.

Amounts are integers in the ledger's unit: TIME in minutes, CNY in fen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.db import connection, models
from django.db.models import Case, F, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import Account, Entry, Ledger, OpenPending, Transfer

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
    "transfer_get",
    "MAX_AMOUNT",
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
        label: Any = LedgerErrorCode(self.code).label if self.code in LedgerErrorCode.values else self.code
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


_new = object.__new__


def _balance_row(debits_posted: int, credits_posted: int, debits_pending: int, credits_pending: int) -> Balance:
    """Balance(...) for the result rows of a batch: a frozen dataclass's __init__ sets each field through
    object.__setattr__, which made building the results cost more than the rest of the client's work per
    transfer. Same object, same fields; the instance stays frozen."""
    balance = _new(Balance)
    vars(balance).update(debits_posted=debits_posted, credits_posted=credits_posted, debits_pending=debits_pending,
                         credits_pending=credits_pending)
    return balance


def _result_row(client_id: str, transfer_id: int | None, ok: bool, replayed: bool, error: str | None,
                balances: dict[int, Balance]) -> TransferResult:
    """TransferResult(...), built like _balance_row."""
    result = _new(TransferResult)
    vars(result).update(client_id=client_id, transfer_id=transfer_id, ok=ok, replayed=replayed, error=error,
                        balances=balances)
    return result


# Amounts above this are refused: 10^15 is below 2^53, so an amount survives JSON and JavaScript intact, and a
# balance of any realistic number of them stays far below the bigint limit (the database also checks 2^62).
MAX_AMOUNT = 10**15
_BIGINT_MAX = 2**63 - 1
_MAX_MEMO_CHARS = 8000
_KIND_NEW, _KIND_POST, _KIND_VOID, _KIND_EXPIRE = 0, 1, 2, 3

# The arrays travel as PostgreSQL array literals in text: building them with str.join is several times faster
# than adapting Python lists element by element, and dominates the cost of a 10,000-transfer call otherwise.
_SQL = (
    "SELECT * FROM ledger_create_transfers(%s::text::text[], %s::text::bytea[], %s::text::bigint[], "
    "%s::text::bigint[], %s::text::bigint[], %s::text::text[], %s::text::text[], %s::text::smallint[], "
    "%s::text::boolean[], %s::text::integer[], %s::text::bigint[], %s::text::bigint[], %s::text::boolean[], "
    "%s::text::text[], %s::text::text[], %s::timestamptz)"
)


def _ints(values: list[Any]) -> str:
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def _texts(values: list[Any]) -> str:
    return "{" + ",".join(
        "NULL" if v is None else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values
    ) + "}"


def _bools(values: list[bool]) -> str:
    return "{" + ",".join("t" if v else "f" for v in values) + "}"


def _byteas(values: list[bytes]) -> str:
    return "{" + ",".join('"\\\\x' + v.hex() + '"' for v in values) + "}"


_ENCODERS: tuple[Callable[[list[Any]], str], ...] = (
    _texts, _byteas, _ints, _ints, _ints, _texts, _texts, _ints, _bools, _ints, _ints, _ints, _bools, _texts, _texts,
)


_LEDGER_VALUES = frozenset(("", *Ledger.values))
_MAX_TIMEOUT = 10 * 366 * 86400
_E_CLIENT_ID = LedgerErrorCode.CLIENT_ID_INVALID.value
_E_ACCOUNT = LedgerErrorCode.ACCOUNT_NOT_FOUND.value
_E_AMOUNT = LedgerErrorCode.AMOUNT_INVALID.value
_E_LEDGER = LedgerErrorCode.LEDGER_MISMATCH.value
_E_FIELDS = LedgerErrorCode.FIELDS_INVALID.value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _id_or_zero(value: Any) -> int | None:
    """An account or transfer id as the database takes it (None → 0); None when it cannot be one."""
    if value is None:
        return 0
    if type(value) is not int or value < 0 or value > _BIGINT_MAX:
        return None
    return value


def _prepare(req: TransferRequest, kind: int) -> tuple[Any, ...]:
    """The request as one row of the function's arrays; its last item is an error found before the database
    is asked (the database then fails the request, and its linked chain, with it). Kept lean: it runs once per
    transfer of every batch."""
    target = None
    if kind == _KIND_NEW:
        if req.post_pending_id is not None:
            kind, target = _KIND_POST, req.post_pending_id
        elif req.void_pending_id is not None:
            kind, target = _KIND_VOID, req.void_pending_id
    else:
        target = req.void_pending_id
    reverses = req.reverses_id
    plain = kind == _KIND_NEW and reverses is None  # needs both accounts, a ledger and a positive amount
    error: str | None = None
    client_id = req.client_id
    if type(client_id) is not str or not 0 < len(client_id) <= 128 or "\x00" in client_id:
        error = _E_CLIENT_ID
        client_id = client_id if isinstance(client_id, str) and "\x00" not in client_id else repr(client_id)
    debit, credit = _id_or_zero(req.debit_account_id), _id_or_zero(req.credit_account_id)
    if debit is None or credit is None or (plain and (debit == 0 or credit == 0)):
        error = error or _E_ACCOUNT
    amount = req.amount
    if type(amount) is not int or not 0 <= amount <= MAX_AMOUNT or (amount == 0 and plain):
        error = error or _E_AMOUNT
    ledger = req.ledger or ""
    if ledger not in _LEDGER_VALUES or (plain and not ledger):
        error = error or _E_LEDGER
    code = req.code or ""
    timeout = req.timeout_seconds
    pending = bool(req.pending)
    memo = req.memo
    memo_text = "{}"
    if not (
        type(code) is str
        and len(code) <= 32
        and "\x00" not in code
        and (timeout is None or (type(timeout) is int and 0 < timeout <= _MAX_TIMEOUT))
        and not (req.post_pending_id is not None and req.void_pending_id is not None)
        and (target is None or not (pending or reverses is not None))
        and _id_or_zero(target) is not None
        and _id_or_zero(reverses) is not None
        and isinstance(memo, dict)
    ):
        error = error or _E_FIELDS
    elif memo:
        try:
            memo_text = json.dumps(memo, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):
            error = error or _E_FIELDS
        else:
            if len(memo_text) > _MAX_MEMO_CHARS or "\\u0000" in memo_text:
                error = error or _E_FIELDS
    if error is not None:
        # Placeholders the database accepts; the error decides the result (and fails a linked chain).
        return (client_id, b"", 0, 0, 0, "", "", kind, False, None, None, None, bool(req.linked), "{}", error)
    # The body that idempotency compares: everything the caller asked for except the client id and the chaining.
    body = repr((kind, debit, credit, amount, ledger, code, pending, timeout, target, reverses, memo_text))
    return (client_id, hashlib.sha256(body.encode()).digest()[:16], debit, credit, amount, ledger, code, kind,
            pending, timeout, target, reverses, bool(req.linked), memo_text, None)


_SQL_ONE = (
    "SELECT * FROM ledger_transfer_one(%s::text, %s::bytea, %s::bigint, %s::bigint, %s::bigint, %s::text, %s::text, "
    "%s::boolean, %s::integer, %s::text)"
)


def _run_one(req: TransferRequest, row: tuple[Any, ...]) -> TransferResult:
    """A single plain transfer through ledger_transfer_one (same checks and codes, far fewer statements)."""
    client_id, digest, debit, credit, amount, ledger, code, _kind, pending, timeout, _t, _r, _l, memo, _e = row
    params = [client_id, digest, debit, credit, amount, ledger, code, pending, timeout, memo]
    # A prepared statement on this connection (server-side binding, parsed and planned once per connection),
    # through the psycopg connection under Django's: Django's cursors bind on the client, so the server would
    # parse and plan the call anew each time. Errors still come out as django.db errors; the call runs in the
    # caller's transaction like any other query.
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_SQL_ONE, params, prepare=True)
        fetched = cursor.fetchone()
    assert fetched is not None  # the function returns exactly one row
    tid, replayed, error, did, ddp, dcp, ddpe, dcpe, cid, cdp, ccp, cdpe, ccpe = fetched
    found: dict[int, Balance] = {}
    if did is not None and error is None:
        found[did] = _balance_row(ddp, dcp, ddpe, dcpe)
        found[cid] = _balance_row(cdp, ccp, cdpe, ccpe)
    return _result_row(req.client_id, tid, error is None, bool(replayed), error, found)


def _run(
    requests: list[TransferRequest], kind: int = _KIND_NEW, now: Any = None, *, single_path: bool = True
) -> list[TransferResult]:
    if not requests:
        return []
    rows = [_prepare(r, kind) for r in requests]
    if single_path and len(rows) == 1:
        row = rows[0]
        if row[-1] is not None:  # refused before the database: nothing to ask it
            return [TransferResult(requests[0].client_id, None, False, False, row[-1], {})]
        if row[7] == _KIND_NEW and row[10] is None and row[11] is None:  # plain: not post/void/expire/reversal
            return [_run_one(requests[0], row)]
    params = [encode(list(col)) for encode, col in zip(_ENCODERS, zip(*rows, strict=True), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [*params, now])
        fetched = cursor.fetchall()
    results: list[TransferResult] = []
    for req, row in zip(requests, fetched, strict=True):
        _, tid, replayed, error, did, ddp, dcp, ddpe, dcpe, cid, cdp, ccp, cdpe, ccpe = row
        found: dict[int, Balance] = {}
        if did is not None and error is None:
            found[did] = _balance_row(ddp, dcp, ddpe, dcpe)
            found[cid] = _balance_row(cdp, ccp, cdpe, ccpe)
        results.append(_result_row(req.client_id, tid, error is None, bool(replayed), error, found))
    return results


def _raise_on_error(result: TransferResult) -> TransferResult:
    if not result.ok:
        raise LedgerError(result.error or LedgerErrorCode.FIELDS_INVALID, client_id=result.client_id)
    return result


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
    """The account with this code, created if it does not exist (a second call returns the first account).

    Raises LedgerError(LEDGER_MISMATCH) when the code exists in another ledger (or the ledger is unknown),
    (FIELDS_INVALID) for an empty or over-long code or name, or a negative or huge credit limit.
    """
    if ledger not in Ledger.values:
        raise LedgerError(LedgerErrorCode.LEDGER_MISMATCH)
    if not isinstance(code, str) or not 0 < len(code) <= 100 or len(name or "") > 200 or len(group or "") > 100:
        raise LedgerError(LedgerErrorCode.FIELDS_INVALID)
    if credit_limit is not None and (not _is_int(credit_limit) or not 0 <= credit_limit <= MAX_AMOUNT):
        raise LedgerError(LedgerErrorCode.FIELDS_INVALID)
    account, created = Account.objects.get_or_create(
        code=code,
        defaults={
            "ledger": ledger,
            "name": name or "",
            "group": group or "",
            "debits_must_not_exceed_credits": bool(debits_must_not_exceed_credits),
            "credits_must_not_exceed_debits": bool(credits_must_not_exceed_debits),
            "credit_limit": credit_limit,
        },
    )
    if not created and account.ledger != ledger:
        raise LedgerError(LedgerErrorCode.LEDGER_MISMATCH)
    return account


def account_get(code: str) -> Account | None:
    return Account.objects.filter(code=code).first()


def account_close(*, account_id: int) -> None:
    """Refuse every new transfer on the account. Pending holds on it can still be posted or voided."""
    if Account.objects.filter(id=account_id).update(closed=True) != 1:
        raise LedgerError(LedgerErrorCode.ACCOUNT_NOT_FOUND)


def create_transfers(requests: list[TransferRequest]) -> list[TransferResult]:
    """Post a batch in one database round trip; one result per request, in order.

    Each request succeeds or fails on its own, except a linked chain (requests with linked=True and the one
    after the last of them), which succeeds or fails whole: the failing request gets its own error, the others
    LINKED_EVENT_FAILED. A request whose client id was already used returns the first transfer (replayed=True)
    when its body is the same, IDEMPOTENCY_MISMATCH when not. Runs in the caller's transaction if there is one,
    so the caller's rollback undoes it. `balances` are those of the two accounts right after the transfer (for
    a replay: now).
    """
    return _run(list(requests))


def transfer(**fields: Any) -> TransferResult:
    """One transfer (TransferRequest's fields as keywords). Raises LedgerError when it fails."""
    return _raise_on_error(_run([TransferRequest(**fields)])[0])


def post_pending(*, client_id: str, pending_id: int, amount: int = 0) -> TransferResult:
    """Post a pending transfer: all of it (amount 0) or part; the rest of the hold is released.

    Raises LedgerError (PENDING_NOT_FOUND, PENDING_ALREADY_RESOLVED, PENDING_EXPIRED, POST_EXCEEDS_PENDING).
    """
    req = TransferRequest(client_id=client_id, debit_account_id=0, credit_account_id=0, amount=amount, ledger="",
                          post_pending_id=pending_id)
    return _raise_on_error(_run([req])[0])


def void_pending(*, client_id: str, pending_id: int) -> TransferResult:
    """Release a pending transfer's hold. Raises LedgerError like post_pending."""
    req = TransferRequest(client_id=client_id, debit_account_id=0, credit_account_id=0, amount=0, ledger="",
                          void_pending_id=pending_id)
    return _raise_on_error(_run([req])[0])


def reverse(*, client_id: str, transfer_id: int, amount: int | None = None, memo: dict | None = None) -> TransferResult:
    """A new transfer back from the credit to the debit account of a posted transfer, pointing at it.

    amount None reverses whatever is not yet reversed. Raises LedgerError(TRANSFER_NOT_FOUND) for an unknown or
    pending transfer, (REVERSAL_EXCEEDS_ORIGINAL) beyond the original, or a balance error (e.g. EXCEEDS_CREDITS
    when the credited account has spent the amount meanwhile).
    """
    req = TransferRequest(client_id=client_id, debit_account_id=0, credit_account_id=0,
                          amount=0 if amount is None else amount, ledger="", reverses_id=transfer_id,
                          memo=memo or {})
    if amount is not None and _is_int(amount) and amount <= 0:
        return _raise_on_error(TransferResult(client_id, None, False, False, LedgerErrorCode.AMOUNT_INVALID, {}))
    return _raise_on_error(_run([req])[0])


def _balance_of(row: dict[str, Any]) -> Balance:
    return Balance(
        int(row["debits_posted"] or 0),
        int(row["credits_posted"] or 0),
        int(row["debits_pending"] or 0),
        int(row["credits_pending"] or 0),
    )


_BALANCE_FIELDS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")


def balance(account_id: int) -> Balance:
    """The account's balance now. Raises LedgerError(ACCOUNT_NOT_FOUND)."""
    row = Account.objects.filter(id=account_id).values(*_BALANCE_FIELDS).first()
    if row is None:
        raise LedgerError(LedgerErrorCode.ACCOUNT_NOT_FOUND)
    return _balance_of(row)


def balances(account_ids: list[int]) -> dict[int, Balance]:
    """Balances of the accounts that exist among account_ids, in one query."""
    rows = Account.objects.filter(id__in=list(account_ids)).values("id", *_BALANCE_FIELDS)
    return {row["id"]: _balance_of(row) for row in rows}


def group_balance(group: str) -> Balance:
    """The sum over the group's accounts, from their balance rows (an index on group; entries are not read)."""
    row = Account.objects.filter(group=group).aggregate(**{f: Sum(f) for f in _BALANCE_FIELDS})
    return _balance_of(row)


def account_history(account_id: int) -> QuerySet:
    """The account's entries, newest first, each annotated with its transfer's facts.

    Every row is an Entry with: transfer_id, is_debit, posted, pending (what it added to the balance columns)
    and the annotations direction ("debit"/"credit"), amount, code, phase, memo, created_at, other_account_id,
    other_account_code, pending_transfer_id, reverses_transfer_id. Slice it to paginate.
    """
    return (
        Entry.objects.filter(account_id=account_id)
        .annotate(
            direction=Case(When(is_debit=True, then=Value("debit")), default=Value("credit")),
            amount=F("transfer__amount"),
            code=F("transfer__code"),
            phase=F("transfer__phase"),
            memo=F("transfer__memo"),
            created_at=F("transfer__created_at"),
            client_id=F("transfer__client_id"),
            other_account_id=Case(
                When(is_debit=True, then=F("transfer__credit_account_id")), default=F("transfer__debit_account_id")
            ),
            other_account_code=Case(
                When(is_debit=True, then=F("transfer__credit_account__code")),
                default=F("transfer__debit_account__code"),
            ),
            pending_transfer_id=F("transfer__pending_id"),
            reverses_transfer_id=F("transfer__reverses_id"),
        )
        .order_by("-transfer_id", "is_debit")
    )


def expire_pending(now: Any = None) -> int:
    """Void every pending transfer whose timeout has passed (at `now`, default the current time).

    Returns how many this call expired. Safe to run concurrently: each expiry has the client id
    "ledger:expire:<pending id>", so a second runner replays instead of expiring twice.
    """
    now = now or timezone.now()
    expired = 0
    for _round in range(10_000):  # bounded: 500 a round
        due = list(
            OpenPending.objects.filter(expires_at__lte=now)
            .order_by("expires_at", "transfer_id")
            .values_list("transfer_id", flat=True)[:500]
        )
        if not due:
            break
        requests = [
            TransferRequest(client_id=f"ledger:expire:{pid}", debit_account_id=0, credit_account_id=0, amount=0,
                            ledger="", void_pending_id=pid)
            for pid in due
        ]
        results = _run(requests, kind=_KIND_EXPIRE, now=now)
        fresh = sum(1 for r in results if r.ok and not r.replayed)
        expired += fresh
        if fresh == 0:
            break
    return expired


def transfer_get(transfer_id: int) -> Transfer | None:
    """A transfer by id (read-only; transfers never change)."""
    return Transfer.objects.filter(id=transfer_id).first()
