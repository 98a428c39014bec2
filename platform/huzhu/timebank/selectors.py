"""Reads of the time bank, always scoped to the actor: one's own account, or the streets one works in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from huzhu.people import access
from huzhu.people.models import User
from huzhu.regions.models import Region
from ledger import api as ledger_api

from . import accounts
from .models import (
    Certificate,
    EarnedTotal,
    EarnRecord,
    Gift,
    PoolAllotment,
    PoolDonation,
    Redemption,
    TimeBankLink,
    TimeBankMember,
)
from .rules import rules_get, star_level
from .services import FRONTLINE, member_of_user


@dataclass(frozen=True)
class MyTimeBank:
    member: TimeBankMember
    balance_minutes: int
    available_minutes: int
    earned_minutes: int
    stars: int
    next_star_at: int | None


def my_time_bank(*, actor: User) -> MyTimeBank | None:
    """The actor's own balance (posted and available after holds), cumulative earned minutes and stars."""
    member = member_of_user(actor)
    if member is None or member.account_id is None:
        return None
    return summary_of(member)


def summary_of(member: TimeBankMember) -> MyTimeBank:
    bal = ledger_api.balance(member.account_id)  # type: ignore[arg-type]
    earned = int(EarnedTotal.objects.filter(member=member).values_list("minutes", flat=True).first() or 0)
    level = star_level(earned, rules_get())
    return MyTimeBank(member=member, balance_minutes=bal.posted, available_minutes=bal.available,
                      earned_minutes=earned, stars=level.stars, next_star_at=level.next_star_at)


def my_history(*, actor: User) -> QuerySet:
    """The ledger entries of the actor's account, newest first (an empty queryset without an account)."""
    member = member_of_user(actor)
    if member is None or member.account_id is None:
        from ledger.models import Entry

        return Entry.objects.none()
    return ledger_api.account_history(member.account_id)


def member_list(*, actor: User) -> QuerySet[TimeBankMember]:
    """Members the actor may act for (代办): in the regions where the actor is frontline staff."""
    return TimeBankMember.objects.filter(access.region_filter(actor, FRONTLINE, "region")).order_by("display_name",
                                                                                                    "id")


def member_visible(*, actor: User) -> QuerySet[TimeBankMember]:
    """Members the actor may see: oneself, people in the actor's streets (frontline), and those linked with
    the actor (a link asked for or accepted)."""
    own = member_of_user(actor)
    q = access.region_filter(actor, FRONTLINE, "region")
    if own is not None:
        q |= Q(pk=own.pk) | Q(links_in__from_member=own) | Q(links_out__to_member=own)
    return TimeBankMember.objects.filter(q).distinct()


def member_get(*, actor: User, member_id: int) -> TimeBankMember | None:
    return member_visible(actor=actor).filter(pk=member_id).first()


def gift_list(*, actor: User) -> QuerySet[Gift]:
    """Gifts the actor gave or received, and those of members in the actor's streets."""
    q = Q(from_member__user_id=actor.pk) | Q(to_member__user_id=actor.pk)
    q |= access.region_filter(actor, FRONTLINE, "from_member__region")
    return Gift.objects.filter(q).order_by("-created_at", "-id")


def allotment_list(*, actor: User) -> QuerySet[PoolAllotment]:
    return PoolAllotment.objects.filter(access.region_filter(actor, FRONTLINE, "street")).order_by("-id")


def certificate_list(*, actor: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(member__user_id=actor.pk).order_by("-issued_at", "-id")


def link_list(*, actor: User) -> QuerySet[TimeBankLink]:
    own = member_of_user(actor)
    if own is None:
        return TimeBankLink.objects.none()
    return (TimeBankLink.objects.filter(Q(from_member=own) | Q(to_member=own))
            .select_related("from_member", "to_member").order_by("-created_at"))


def redemption_list(*, actor: User, status: str | None = None, street: Region | None = None) -> QuerySet[Redemption]:
    """The actor's own redemptions, and those delivered in the regions where the actor is frontline staff.

    The volunteering app turns the open ones (requested) into tasks: `redemption_open_list`.
    """
    own = member_of_user(actor)
    q = access.region_filter(actor, FRONTLINE, "region")
    if own is not None:
        q |= Q(member=own)
    qs = Redemption.objects.filter(q)
    if status:
        qs = qs.filter(status=status)
    if street is not None:
        qs = qs.filter(region__path__startswith=street.path)
    return qs.select_related("member", "region").order_by("-created_at", "-id")


def redemption_open_list(*, actor: User) -> QuerySet[Redemption]:
    """Redemptions waiting to become a task, in the actor's streets (for the volunteering app)."""
    return (Redemption.objects.filter(access.region_filter(actor, FRONTLINE, "region"),
                                      status=Redemption.Status.REQUESTED)
            .select_related("member", "region").order_by("created_at", "id"))


@dataclass(frozen=True)
class StreetSummary:
    street: Region
    volunteers_balance_minutes: int
    volunteers_available_minutes: int
    members_balance_minutes: int
    pool_balance_minutes: int
    earned_minutes_this_year: int
    overflow_donated_minutes: int
    gifted_to_pool_minutes: int
    redemptions_open: int
    redemptions_delivered: int
    redemptions_cancelled: int
    minutes_held: int
    minutes_redeemed: int


def street_summary(*, actor: User, street: Region) -> StreetSummary | None:
    """Totals for one street from group balances (no scan of entries); None unless the actor is frontline
    staff of that street (another street's staff get exactly what a street that does not exist gives)."""
    if street.level != Region.Level.STREET or not access.has_role(actor, FRONTLINE, street):
        return None
    volunteers = ledger_api.group_balance(accounts.volunteers_group(street.pk))
    members = ledger_api.group_balance(accounts.members_group(street.pk))
    pool_id = accounts.pool_account_id_if_open(street.pk)
    pool = ledger_api.balance(pool_id) if pool_id else ledger_api.Balance()
    year_start = timezone.localdate().replace(month=1, day=1)
    earned = EarnRecord.objects.filter(street=street, service_date__gte=year_start, reversal__isnull=True).aggregate(
        s=Sum("minutes"))["s"] or 0
    donations = dict(PoolDonation.objects.filter(street=street).values("kind").annotate(s=Sum("minutes"))
                     .values_list("kind", "s"))
    reds = Redemption.objects.filter(region__path__startswith=street.path).aggregate(
        open=Count("id", filter=Q(status__in=Redemption.OPEN)),
        delivered=Count("id", filter=Q(status=Redemption.Status.DELIVERED)),
        cancelled=Count("id", filter=Q(status=Redemption.Status.CANCELLED)),
        held=Sum("minutes", filter=Q(status__in=Redemption.OPEN)),
        redeemed=Sum("minutes", filter=Q(status=Redemption.Status.DELIVERED)),
    )
    return StreetSummary(
        street=street,
        volunteers_balance_minutes=volunteers.posted,
        volunteers_available_minutes=volunteers.available,
        members_balance_minutes=members.posted,
        pool_balance_minutes=pool.posted,
        earned_minutes_this_year=int(earned),
        overflow_donated_minutes=int(donations.get(PoolDonation.Kind.OVERFLOW, 0)),
        gifted_to_pool_minutes=int(donations.get(PoolDonation.Kind.GIFT, 0)),
        redemptions_open=reds["open"] or 0,
        redemptions_delivered=reds["delivered"] or 0,
        redemptions_cancelled=reds["cancelled"] or 0,
        minutes_held=int(reds["held"] or 0),
        minutes_redeemed=int(reds["redeemed"] or 0),
    )
