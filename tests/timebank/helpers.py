"""Helpers the time-bank tests share: balances, counts of what was written."""

from __future__ import annotations

from typing import Any


def set_birth_year(user: Any, year: int) -> None:
    from huzhu.people.models import VolunteerProfile
    from huzhu.timebank.models import TimeBankMember

    VolunteerProfile.objects.filter(user=user).update(birth_year=year)
    TimeBankMember.objects.filter(user=user).update(birth_year=year)


def member(user: Any) -> Any:
    from huzhu.timebank.models import TimeBankMember

    return TimeBankMember.objects.get(user=user)


def balance(user_or_member: Any) -> Any:
    from huzhu.timebank.models import TimeBankMember
    from ledger import api

    m = user_or_member if isinstance(user_or_member, TimeBankMember) else member(user_or_member)
    return api.balance(m.account_id)


def pool_balance(street: Any) -> int:
    from huzhu.timebank.accounts import pool_code
    from ledger import api

    account = api.account_get(pool_code(street.pk))
    return api.balance(account.pk).posted if account else 0


def written() -> dict[str, int]:
    """Row counts of everything a time-bank write could touch (ledger and time bank)."""
    from huzhu.timebank import models as m
    from ledger.models import Entry, Transfer

    return {
        "transfers": Transfer.objects.count(),
        "entries": Entry.objects.count(),
        **{model.__name__: model.objects.count()
           for model in (m.EarnRecord, m.EarnReversal, m.Gift, m.PoolDonation, m.PoolAllotment, m.Redemption,
                         m.TimeBankLink, m.Certificate)},
    }
