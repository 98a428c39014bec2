"""Ledger accounts of the time bank, their codes and groups, and the mapping of ledger errors to ours.

    tb:issuer                 the platform's issuing account: debited when service is confirmed (minting) and
                              credited when a redemption posts; it may go negative, nothing else may
    tb:pool:<street id>       the street's community pool (group tb:pools)
    tb:vol:<user id>          a member who has a user (a volunteer, a relative); group
                              tb:street:<street id>:volunteers
    tb:mem:<member id>        a member without a user (an elder registered by staff); group
                              tb:street:<street id>:members

Group balances give street totals without scanning entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger import api as ledger_api

from .errors import TimeBankError, TimeBankErrorCode

if TYPE_CHECKING:
    from huzhu.regions.models import Region

ISSUER_CODE = "tb:issuer"
POOL_GROUP = "tb:pools"


def volunteers_group(street_id: int) -> str:
    return f"tb:street:{street_id}:volunteers"


def members_group(street_id: int) -> str:
    return f"tb:street:{street_id}:members"


def pool_code(street_id: int) -> str:
    return f"tb:pool:{street_id}"


def issuer_account_id() -> int:
    account = ledger_api.account_open(
        ledger=ledger_api.Ledger.TIME, code=ISSUER_CODE, name="时间银行发行账户", group="tb:platform",
        debits_must_not_exceed_credits=False,
    )
    return int(account.pk)


def pool_account_id(street: Region) -> int:
    account = ledger_api.account_open(
        ledger=ledger_api.Ledger.TIME, code=pool_code(street.pk), name=f"{street.name}社区时间池", group=POOL_GROUP,
    )
    return int(account.pk)


def pool_account_id_if_open(street_id: int) -> int | None:
    account = ledger_api.account_get(pool_code(street_id))
    return int(account.pk) if account is not None else None


def member_account_id(*, code: str, name: str, group: str) -> int:
    account = ledger_api.account_open(ledger=ledger_api.Ledger.TIME, code=code, name=name[:200], group=group)
    return int(account.pk)


_LEDGER_TO_TIMEBANK = {
    "EXCEEDS_CREDITS": TimeBankErrorCode.INSUFFICIENT_BALANCE,
    "ACCOUNT_CLOSED": TimeBankErrorCode.ACCOUNT_CLOSED,
    "IDEMPOTENCY_MISMATCH": TimeBankErrorCode.IDEMPOTENCY_MISMATCH,
    "PENDING_ALREADY_RESOLVED": TimeBankErrorCode.ALREADY_SETTLED,
    "PENDING_EXPIRED": TimeBankErrorCode.ALREADY_SETTLED,
    "REVERSAL_EXCEEDS_ORIGINAL": TimeBankErrorCode.ALREADY_REVERSED,
    "AMOUNT_INVALID": TimeBankErrorCode.OUT_OF_RANGE,
    "OVERFLOW": TimeBankErrorCode.OUT_OF_RANGE,
    "POST_EXCEEDS_PENDING": TimeBankErrorCode.OUT_OF_RANGE,
    "CLIENT_ID_INVALID": TimeBankErrorCode.INVALID,
}


def ledger_error(code: str, *, field: str | None = None) -> TimeBankError:
    """Our typed error for a ledger error code (the ledger's own message stays in logs, ours is for users)."""
    return TimeBankError(_LEDGER_TO_TIMEBANK.get(code, TimeBankErrorCode.LEDGER), field=field)


def post(requests: list[ledger_api.TransferRequest], *, field: str | None = None) -> list[ledger_api.TransferResult]:
    """Post a batch in the caller's transaction; any failure raises our typed error (the caller rolls back).

    In a linked batch the failing transfer carries the real reason and the others LINKED_EVENT_FAILED.
    """
    results = ledger_api.create_transfers(requests)
    failed = [r for r in results if not r.ok]
    if failed:
        real = next((r for r in failed if r.error != "LINKED_EVENT_FAILED"), failed[0])
        raise ledger_error(str(real.error), field=field)
    return results


def tid(result: ledger_api.TransferResult) -> int:
    """The transfer id of a successful result (post() raised for the others)."""
    assert result.transfer_id is not None
    return int(result.transfer_id)


def call(fn, /, *, field: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """Call a raising single-transfer ledger function, mapping LedgerError to our typed error."""
    try:
        return fn(**kwargs)
    except ledger_api.LedgerError as exc:
        raise ledger_error(exc.code, field=field)
