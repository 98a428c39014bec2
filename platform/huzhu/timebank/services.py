"""Writes of the time bank: earn, reverse, give, link, redeem and settle, allot the pool, rules, certificates.

Every function runs in one transaction (a savepoint when the caller already has one, as the volunteering
app's hour confirmation does), so a refused request writes nothing — not in the ledger, not here.

Locking protocol: every change of a member's balance first locks that member's TimeBankMember row
(`select_for_update`, several in id order). That serialises the checks that read a balance and then move
minutes (the storage cap, the yearly giving cap) and makes idempotent retries of the same key wait for the
first attempt and then find its row. The ledger itself locks its account rows in a fixed order, so two
different members never deadlock.

Acting on behalf (代办): every service that a member starts takes `on_behalf_of`; a workstation staff member
or social worker whose region covers the member may act for them, and the row records who acted
(`actor`/`requested_by`) and `on_behalf=True`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import MAX_MINUTES, ServiceError, check_amount, check_text
from huzhu.people import access
from huzhu.people.models import Role, RoleGrant, User, VolunteerProfile
from huzhu.regions.models import Region
from ledger import api as ledger_api

from . import accounts
from .errors import TimeBankError, TimeBankErrorCode, from_service_error
from .models import (
    Certificate,
    EarnedTotal,
    EarnRecord,
    EarnReversal,
    Gift,
    PoolAllotment,
    PoolDonation,
    Redemption,
    TimeBankLink,
    TimeBankMember,
    TimeBankRules,
)
from .rules import age_this_year, redemption_age_for, rules_get, star_level

# Who may confirm service, act for a member (代办), settle redemptions and see a street's figures.
FRONTLINE = (Role.WORKSTATION_STAFF, Role.SOCIAL_WORKER, Role.ADMINISTRATOR)
STAFF = (Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)
MAX_KEY_LENGTH = 100
TIME = ledger_api.Ledger.TIME


# --- small helpers ----------------------------------------------------------------------------------------


def _checked(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a core check (check_text, check_amount) and re-raise its error with our code enum."""
    try:
        return fn(*args, **kwargs)
    except ServiceError as exc:
        if isinstance(exc, TimeBankError):
            raise
        raise from_service_error(exc)


def _key(value: str, field: str = "idempotencyKey") -> str:
    return _checked(check_text, value, field=field, max_length=MAX_KEY_LENGTH, required=True)


def _minutes(value: Any, *, field: str = "minutes", maximum: int = MAX_MINUTES) -> int:
    return _checked(check_amount, value, field=field, maximum=maximum)


def street_of(region: Region) -> Region | None:
    """The street (level 2) a region lies in, or the region itself when it is a street; None for a district."""
    if region.level == Region.Level.STREET:
        return region
    ids = region.ancestor_ids()
    if len(ids) < 2:
        return None
    return Region.objects.get(pk=ids[1])


def _district_path(region: Region) -> str:
    return region.path.split(".")[0] + "."


def _lock_members(*members: TimeBankMember) -> dict[int, TimeBankMember]:
    ids = sorted({m.pk for m in members})
    locked = {m.pk: m for m in TimeBankMember.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return locked


def _publish_balances(members: Iterable[TimeBankMember]) -> None:
    """Tell each member's user their new balance once the transaction commits (if the realtime app is there)."""
    try:
        events = importlib.import_module("huzhu.realtime.events")
    except ImportError:
        return
    publish = getattr(events, "ledger_balance", None)
    if publish is None:
        return
    with_user = [m for m in members if m.user_id is not None and m.account_id is not None]
    if not with_user:
        return
    rules = rules_get()
    balances = ledger_api.balances([m.account_id for m in with_user])  # type: ignore[misc]
    earned = dict(EarnedTotal.objects.filter(member__in=with_user).values_list("member_id", "minutes"))
    for member in with_user:
        bal = balances.get(member.account_id) or ledger_api.Balance()  # type: ignore[arg-type]
        minutes = int(earned.get(member.pk, 0))
        publish(
            user_id=member.user_id, balance_minutes=bal.posted, available_minutes=bal.available,
            earned_minutes=minutes, stars=star_level(minutes, rules).stars,
        )


# --- members ----------------------------------------------------------------------------------------------


def _home_street(user: User) -> Region | None:
    profile = VolunteerProfile.objects.filter(user=user).select_related("home_community").first()
    if profile is not None:
        street = street_of(profile.home_community)
        if street is not None:
            return street
    for grant in RoleGrant.objects.filter(user=user).select_related("region").order_by("region__depth", "id"):
        street = street_of(grant.region)
        if street is not None:
            return street
    return None


def member_of_user(user: User) -> TimeBankMember | None:
    return TimeBankMember.objects.filter(user_id=user.pk).first()


def member_for_user(user: User, *, street: Region | None = None) -> TimeBankMember:
    """The user's member record and TIME account, opened on first use (safe against concurrent first use).

    The account's group is the street given (the street of the first confirmed service) or the user's home
    street; without either the user cannot have an account yet (NOT_A_MEMBER).
    """
    member = member_of_user(user)
    if member is not None:
        return member
    street = street or _home_street(user)
    if street is None:
        raise TimeBankError(TimeBankErrorCode.NOT_A_MEMBER)
    profile = VolunteerProfile.objects.filter(user=user).select_related("home_community").first()
    region = profile.home_community if profile and profile.home_community.path.startswith(street.path) else street
    try:
        with transaction.atomic():
            member = TimeBankMember.objects.create(
                user=user, display_name=(user.display_name or user.email)[:100],
                birth_year=profile.birth_year if profile else None, street=street, region=region,
            )
    except IntegrityError:  # another transaction opened it first; it has committed (we waited on its row)
        return TimeBankMember.objects.get(user_id=user.pk)
    member.account_id = accounts.member_account_id(
        code=f"tb:vol:{user.pk}", name=member.display_name, group=accounts.volunteers_group(street.pk)
    )
    member.save(update_fields=["account_id"])
    EarnedTotal.objects.create(member=member)
    return member


@transaction.atomic
def member_register(
    *,
    actor: User,
    display_name: str,
    region: Region,
    birth_year: int | None = None,
    lives_alone: bool = False,
    disabled: bool = False,
    minimum_living: bool = False,
    hardship: bool = False,
    household_id: int | None = None,
) -> TimeBankMember:
    """Staff register a person without a user (an elder without a phone) so they can hold and redeem minutes."""
    if not access.has_role(actor, STAFF, region):
        raise TimeBankError(TimeBankErrorCode.PERMISSION_DENIED)
    display_name = _checked(check_text, display_name, field="displayName", max_length=100, required=True)
    street = street_of(region)
    if street is None:
        raise TimeBankError(TimeBankErrorCode.NOT_A_STREET, field="regionId")
    this_year = timezone.localdate().year
    if birth_year is not None and not (this_year - 130 <= birth_year <= this_year):
        raise TimeBankError(TimeBankErrorCode.OUT_OF_RANGE, field="birthYear")
    if household_id is not None and not (0 < household_id < 2**62):
        raise TimeBankError(TimeBankErrorCode.INVALID, field="householdId")
    member = TimeBankMember(
        display_name=display_name, birth_year=birth_year, lives_alone=lives_alone, disabled=disabled,
        minimum_living=minimum_living, hardship=hardship, household_id=household_id, street=street,
        region=region, registered_by=actor,
    )
    member.save()
    member.account_id = accounts.member_account_id(
        code=f"tb:mem:{member.pk}", name=display_name, group=accounts.members_group(street.pk)
    )
    member.save(update_fields=["account_id"])
    EarnedTotal.objects.create(member=member)
    return member


def _acting_member(actor: User, on_behalf_of: TimeBankMember | None) -> tuple[TimeBankMember, bool]:
    """(the member the request is for, whether someone else acts for them). 代办 needs a frontline role there."""
    if on_behalf_of is None:
        member = member_of_user(actor)
        if member is None:
            raise TimeBankError(TimeBankErrorCode.NOT_A_MEMBER)
        return member, False
    if on_behalf_of.user_id is not None and on_behalf_of.user_id == actor.pk:
        return on_behalf_of, False
    if not access.has_role(actor, FRONTLINE, on_behalf_of.region):
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="onBehalfOfId")
    return on_behalf_of, True


# --- earn and reverse -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EarnResult:
    earn_record_id: int
    member_id: int
    credited_minutes: int      # into the volunteer's account
    donated_minutes: int       # above the storage cap, into the street's community pool
    balance_minutes: int
    available_minutes: int
    earned_minutes: int        # cumulative, for stars
    stars: int
    replayed: bool             # True when this key had already been credited (nothing new was written)


def _earn_result(record: EarnRecord, member: TimeBankMember, *, replayed: bool) -> EarnResult:
    rules = rules_get()
    bal = ledger_api.balance(member.account_id)  # type: ignore[arg-type]
    earned = EarnedTotal.objects.filter(member=member).values_list("minutes", flat=True).first() or 0
    return EarnResult(
        earn_record_id=record.pk, member_id=member.pk, credited_minutes=record.credited_minutes,
        donated_minutes=record.donated_minutes, balance_minutes=bal.posted, available_minutes=bal.available,
        earned_minutes=int(earned), stars=star_level(int(earned), rules).stars, replayed=replayed,
    )


@transaction.atomic
def earn_service_minutes(
    *,
    volunteer: User,
    minutes: int,
    idempotency_key: str,
    confirmed_by: User,
    street: Region | int,
    organisation_name: str,
    service_date: date,
    memo: str = "",
) -> EarnResult:
    """Credit `minutes` of service confirmed by a social worker to the volunteer: the only way minutes are minted.

    Called inside the caller's confirmation transaction. Idempotent by `idempotency_key`: a retry (even a
    concurrent one) with the same body credits nothing new and returns the first result with replayed=True;
    the same key with a different body raises IDEMPOTENCY_MISMATCH. Minutes that would take the account
    above the storage cap go to `street`'s community pool as a donation (a second transfer, linked with the
    first, and a PoolDonation row); they still count towards the volunteer's earned total and stars.

    `street` is the street (a Region, or its id; a community or grid is taken as its street) where the
    service happened: its social workers and staff may confirm, and its pool takes the overflow.

    Raises TimeBankError: OUT_OF_RANGE (minutes ≤ 0 or above the rules' per-service maximum),
    PERMISSION_DENIED (confirmed_by is not staff or a social worker of that street), SELF (confirming one's
    own service), NOT_A_STREET, REQUIRED/TOO_LONG (texts), INVALID (service date in the future).
    """
    rules = rules_get()
    key = _key(idempotency_key)
    minutes = _minutes(minutes, maximum=rules.max_service_minutes)
    organisation_name = _checked(check_text, organisation_name, field="organisationName", required=True)
    memo = _checked(check_text, memo, field="memo", max_length=500)
    if not isinstance(service_date, date) or service_date > timezone.localdate() + timedelta(days=1):
        raise TimeBankError(TimeBankErrorCode.INVALID, _("服务日期不能晚于今天。"), field="serviceDate")
    if isinstance(street, int) and not isinstance(street, bool):
        found = Region.objects.filter(pk=street).first()
        if found is None:
            raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="street")
        street = found
    if not isinstance(street, Region):
        raise TimeBankError(TimeBankErrorCode.INVALID, field="street")
    street_region = street_of(street)
    if street_region is None:
        raise TimeBankError(TimeBankErrorCode.NOT_A_STREET, field="street")
    if volunteer.pk == confirmed_by.pk:
        raise TimeBankError(TimeBankErrorCode.SELF, _("不能确认自己的服务时长。"))
    if not access.has_role(confirmed_by, (Role.SOCIAL_WORKER, Role.WORKSTATION_STAFF), street_region):
        raise TimeBankError(TimeBankErrorCode.PERMISSION_DENIED)

    member = member_for_user(volunteer, street=street_region)
    member = _lock_members(member)[member.pk]

    # Under the member's lock: a concurrent attempt with this key has either committed (we see its row
    # now) or rolled back (we credit).
    existing = EarnRecord.objects.filter(idempotency_key=key).first()
    if existing is not None:
        same = (existing.member_id == member.pk and existing.minutes == minutes
                and existing.street_id == street_region.pk and existing.service_date == service_date
                and existing.organisation_name == organisation_name)
        if not same:
            raise TimeBankError(TimeBankErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return _earn_result(existing, member, replayed=True)

    balance = ledger_api.balance(member.account_id)  # type: ignore[arg-type]
    room = max(0, rules.storage_cap_minutes - max(0, balance.posted))
    credited = min(minutes, room)
    donated = minutes - credited
    issuer = accounts.issuer_account_id()
    memo_common = {"earn_key": key, "organisation": organisation_name, "service_date": service_date.isoformat(),
                   "confirmed_by": confirmed_by.pk, "member": member.pk}
    requests = []
    if credited:
        requests.append(ledger_api.TransferRequest(
            client_id=f"tb:earn:{key}", debit_account_id=issuer, credit_account_id=member.account_id,  # type: ignore[arg-type]
            amount=credited, ledger=TIME, code="tb_earn", memo={**memo_common, "memo": memo},
        ))
    if donated:
        requests.append(ledger_api.TransferRequest(
            client_id=f"tb:earn:{key}:overflow", debit_account_id=issuer,
            credit_account_id=accounts.pool_account_id(street_region), amount=donated, ledger=TIME,
            code="tb_earn_overflow",
            memo={**memo_common, "kind": "overflow_donation",
                  "note": "超出个人存储上限的服务时长,按规则捐入社区时间池"},
        ))
    for request in requests[:-1]:
        request.linked = True  # all or nothing
    results = accounts.post(requests, field="minutes")
    record = EarnRecord(
        idempotency_key=key, member=member, minutes=minutes, credited_minutes=credited, donated_minutes=donated,
        street=street_region, organisation_name=organisation_name, service_date=service_date, memo=memo,
        confirmed_by=confirmed_by,
        transfer_id=accounts.tid(results[0]) if credited else None,
        donation_transfer_id=accounts.tid(results[-1]) if donated else None,
    )
    record.save()
    if donated:
        PoolDonation.objects.create(
            street=street_region, donor=member, kind=PoolDonation.Kind.OVERFLOW, minutes=donated,
            transfer_id=accounts.tid(results[-1]), earn_record=record,
        )
    EarnedTotal.objects.filter(member=member).update(minutes=F("minutes") + minutes, updated_at=timezone.now())
    _publish_balances([member])
    return _earn_result(record, member, replayed=False)


@transaction.atomic
def reverse_earning(*, idempotency_key: str, actor: User, reason: str) -> EarnReversal:
    """Correct a wrongly confirmed service: reversing transfers for what it credited (and donated), never edits.

    `idempotency_key` is the key the earning was credited with. Exactly once: a second call returns the
    first reversal. The earned total (stars) drops by the earning's minutes. Raises NOT_FOUND (no such
    earning, or outside the actor's streets), REQUIRED (reason), INSUFFICIENT_BALANCE (the minutes were
    already spent or given away, so the ledger cannot take them back).
    """
    key = _key(idempotency_key)
    reason = _checked(check_text, reason, field="reason", max_length=500, required=True)
    record = EarnRecord.objects.filter(idempotency_key=key).select_related("street", "member").first()
    if record is None or not access.has_role(actor, FRONTLINE, record.street):
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="idempotencyKey")
    member = _lock_members(record.member)[record.member_id]
    existing = EarnReversal.objects.filter(earn_record=record).first()
    if existing is not None:
        return existing
    memo = {"earn_key": key, "reason": reason, "actor": actor.pk}
    transfer_id = donation_transfer_id = None
    if record.transfer_id:
        transfer_id = accounts.call(
            ledger_api.reverse, client_id=f"tb:earn:{key}:reverse", transfer_id=record.transfer_id, memo=memo
        ).transfer_id
    if record.donation_transfer_id:
        donation_transfer_id = accounts.call(
            ledger_api.reverse, client_id=f"tb:earn:{key}:overflow:reverse",
            transfer_id=record.donation_transfer_id, memo=memo,
        ).transfer_id
    reversal = EarnReversal.objects.create(
        earn_record=record, reason=reason, actor=actor, transfer_id=transfer_id,
        donation_transfer_id=donation_transfer_id,
    )
    EarnedTotal.objects.filter(member=member).update(
        minutes=F("minutes") - record.minutes, updated_at=timezone.now()
    )
    _publish_balances([member])
    return reversal


# --- links and gifts --------------------------------------------------------------------------------------


@transaction.atomic
def link_request(
    *, actor: User, to_member: TimeBankMember, relation: str = "", on_behalf_of: TimeBankMember | None = None
) -> TimeBankLink:
    """Ask to link with a relative or friend; gifts are possible once the other side accepts."""
    member, _on_behalf = _acting_member(actor, on_behalf_of)
    relation = _checked(check_text, relation, field="relation", max_length=40)
    if to_member.pk == member.pk:
        raise TimeBankError(TimeBankErrorCode.SELF, field="toMemberId")
    if TimeBankLink.objects.filter(from_member__in=[member, to_member], to_member__in=[member, to_member]).exists():
        raise TimeBankError(TimeBankErrorCode.LINK_EXISTS, field="toMemberId")
    link = TimeBankLink(from_member=member, to_member=to_member, relation=relation, requested_by=actor)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def link_accept(*, actor: User, link_id: int) -> TimeBankLink:
    """The other side (or staff acting for them) accepts: both have now consented."""
    link = TimeBankLink.objects.select_for_update().filter(pk=link_id).select_related("to_member").first()
    if link is None:
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="linkId")
    target = link.to_member
    # Staff may consent only for someone without a user of their own (an elder without a phone, 代办).
    may = target.user_id == actor.pk or (target.user_id is None and access.has_role(actor, FRONTLINE, target.region))
    if not may or actor.pk == link.requested_by_id:
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="linkId")
    if link.status == TimeBankLink.Status.ACCEPTED:
        return link
    link.status = TimeBankLink.Status.ACCEPTED
    link.accepted_by = actor
    link.accepted_at = timezone.now()
    link.save(update_fields=["status", "accepted_by", "accepted_at"])
    return link


def _linked(a: TimeBankMember, b: TimeBankMember) -> bool:
    return TimeBankLink.objects.filter(
        status=TimeBankLink.Status.ACCEPTED, from_member__in=[a, b], to_member__in=[a, b]
    ).exists()


@transaction.atomic
def timebank_give(
    *,
    actor: User,
    minutes: int,
    idempotency_key: str,
    to_member: TimeBankMember | None = None,
    to_pool_street: Region | None = None,
    on_behalf_of: TimeBankMember | None = None,
) -> Gift:
    """Give minutes to a linked relative or friend, or to a street's community pool.

    Gifts to people count against the rules' yearly cap (per calendar year); donations to the pool do not,
    since pool minutes go to elders by the allotment rules and cannot be traded. Idempotent by key.
    Raises NOT_LINKED, YEARLY_GIVE_CAP, RECIPIENT_CAP, INSUFFICIENT_BALANCE (available minutes: holds for
    redemptions count as spent), SELF, IDEMPOTENCY_MISMATCH, OUT_OF_RANGE, NOT_A_STREET.
    """
    key = _key(idempotency_key)
    minutes = _minutes(minutes)
    giver, on_behalf = _acting_member(actor, on_behalf_of)
    if (to_member is None) == (to_pool_street is None):
        raise TimeBankError(TimeBankErrorCode.REQUIRED, _("请选择赠与对象:亲友或社区时间池。"), field="toMemberId")
    pool_street = None
    if to_pool_street is not None:
        pool_street = street_of(to_pool_street)
        if pool_street is None or pool_street.level != Region.Level.STREET:
            raise TimeBankError(TimeBankErrorCode.NOT_A_STREET, field="toPoolStreetId")
        if not pool_street.path.startswith(_district_path(giver.street)):
            raise TimeBankError(TimeBankErrorCode.OUTSIDE_DISTRICT, field="toPoolStreetId")
    if to_member is not None and to_member.pk == giver.pk:
        raise TimeBankError(TimeBankErrorCode.SELF, field="toMemberId")

    locked = _lock_members(giver, *([to_member] if to_member is not None else []))
    giver = locked[giver.pk]
    existing = Gift.objects.filter(idempotency_key=key).first()
    if existing is not None:
        same = (existing.from_member_id == giver.pk and existing.minutes == minutes
                and existing.to_member_id == (to_member.pk if to_member else None)
                and existing.to_pool_street_id == (pool_street.pk if pool_street else None))
        if not same:
            raise TimeBankError(TimeBankErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing

    rules = rules_get()
    year = timezone.localdate().year
    if to_member is not None:
        recipient = locked[to_member.pk]
        if not _linked(giver, recipient):
            raise TimeBankError(TimeBankErrorCode.NOT_LINKED, field="toMemberId")
        given = Gift.objects.filter(from_member=giver, year=year, to_member__isnull=False).aggregate(
            s=Sum("minutes"))["s"] or 0
        left = max(0, rules.yearly_give_cap_minutes - given)
        if minutes > left:
            raise TimeBankError(TimeBankErrorCode.YEARLY_GIVE_CAP, field="minutes", params={"left": left})
        recipient_balance = ledger_api.balance(recipient.account_id)  # type: ignore[arg-type]
        if recipient_balance.posted + minutes > rules.storage_cap_minutes:
            raise TimeBankError(TimeBankErrorCode.RECIPIENT_CAP, field="minutes")
        credit_account = recipient.account_id
    else:
        recipient = None
        credit_account = accounts.pool_account_id(pool_street)  # type: ignore[arg-type]
    result = accounts.post([ledger_api.TransferRequest(
        client_id=f"tb:give:{key}", debit_account_id=giver.account_id,  # type: ignore[arg-type]
        credit_account_id=credit_account, amount=minutes, ledger=TIME,  # type: ignore[arg-type]
        code="tb_give" if recipient else "tb_pool_gift",
        memo={"from_member": giver.pk, "to_member": recipient.pk if recipient else None,
              "pool_street": pool_street.pk if pool_street else None, "actor": actor.pk, "on_behalf": on_behalf},
    )], field="minutes")[0]
    gift = Gift.objects.create(
        idempotency_key=key, from_member=giver, to_member=recipient, to_pool_street=pool_street, minutes=minutes,
        year=year, transfer_id=accounts.tid(result), actor=actor, on_behalf=on_behalf,
    )
    if pool_street is not None:
        PoolDonation.objects.create(street=pool_street, donor=giver, kind=PoolDonation.Kind.GIFT, minutes=minutes,
                                    transfer_id=accounts.tid(result), gift=gift)
    _publish_balances([giver, *([recipient] if recipient else [])])
    return gift


# --- pool allotment ---------------------------------------------------------------------------------------


def _minimum_living_household_ids(household_ids: list[int]) -> set[int]:
    """Households (if the households app is installed) in the minimum_living category."""
    if not household_ids:
        return set()
    try:
        from django.apps import apps

        household_model = apps.get_model("households", "Household")
    except LookupError:
        return set()
    return set(household_model.objects.filter(pk__in=household_ids, category="minimum_living")
               .values_list("pk", flat=True))


def elder_priority(member: TimeBankMember, rules: TimeBankRules, *, minimum_living: bool) -> int | None:
    """The pool's priority for this person (1 is first), or None when they are not a key elder.

    1: key_elder_age (80)+ and living alone; then for elder_min_age (60) up to 79: 2 in a minimum_living
    household, 3 disabled (失能), 4 living alone. 80+ not living alone are served like 60–79.
    """
    age = age_this_year(member)
    if age is None or age < rules.elder_min_age:
        return None
    if age >= rules.key_elder_age and member.lives_alone:
        return PoolAllotment.Priority.AGED_ALONE
    if minimum_living:
        return PoolAllotment.Priority.MINIMUM_LIVING
    if member.disabled:
        return PoolAllotment.Priority.DISABLED
    if member.lives_alone:
        return PoolAllotment.Priority.ALONE
    return None


def allotment_candidates(*, street: Region, rules: TimeBankRules | None = None) -> list[tuple[TimeBankMember, int]]:
    """Key elders living in the street, best first: priority, then older, then fewer minutes allotted this year."""
    rules = rules or rules_get()
    members = list(TimeBankMember.objects.filter(region__path__startswith=street.path, birth_year__isnull=False,
                                                 birth_year__lte=timezone.localdate().year - rules.elder_min_age))
    ml_households = _minimum_living_household_ids([m.household_id for m in members if m.household_id])
    year_start = timezone.localdate().replace(month=1, day=1)
    received = dict(PoolAllotment.objects.filter(member__in=members, created_at__date__gte=year_start)
                    .values("member_id").annotate(s=Sum("minutes")).values_list("member_id", "s"))
    ranked = []
    for member in members:
        priority = elder_priority(member, rules,
                                  minimum_living=member.minimum_living or member.household_id in ml_households)
        if priority is not None:
            ranked.append((priority, member.birth_year, received.get(member.pk, 0), member.pk, member))
    ranked.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    return [(r[4], r[0]) for r in ranked]


@transaction.atomic
def pool_allot(
    *, actor: User, street: Region, batch_key: str, minutes_each: int | None = None, limit: int | None = None
) -> list[PoolAllotment]:
    """Allot the street's pool to key elders in priority order until it runs out (idempotent by batch_key).

    Each elder gets `minutes_each` (default: the rules' pool_allotment_minutes), the last one whatever is
    left. Raises PERMISSION_DENIED (not staff of that street), POOL_EMPTY (nothing to allot).
    """
    street_region = street_of(street)
    if street_region is None:
        raise TimeBankError(TimeBankErrorCode.NOT_A_STREET, field="streetId")
    if not access.has_role(actor, STAFF, street_region):
        raise TimeBankError(TimeBankErrorCode.PERMISSION_DENIED)
    batch_key = _key(batch_key, "batchKey")
    done = list(PoolAllotment.objects.filter(batch_key=batch_key).order_by("id"))
    if done:
        return done
    rules = rules_get()
    each = _minutes(minutes_each if minutes_each is not None else rules.pool_allotment_minutes, field="minutesEach")
    if limit is not None and not (0 < limit <= 1000):
        raise TimeBankError(TimeBankErrorCode.OUT_OF_RANGE, field="limit")
    pool_id = accounts.pool_account_id(street_region)
    # Lock the pool's balance for our reading: the ledger refuses an overdraft anyway, this keeps our split exact.
    available = ledger_api.balance(pool_id).available
    if available <= 0:
        raise TimeBankError(TimeBankErrorCode.POOL_EMPTY)
    candidates = allotment_candidates(street=street_region, rules=rules)[: limit or 1000]
    plan: list[tuple[TimeBankMember, int, int]] = []
    for member, priority in candidates:
        if available <= 0:
            break
        amount = min(each, available)
        room = rules.storage_cap_minutes - ledger_api.balance(member.account_id).posted  # type: ignore[arg-type]
        amount = min(amount, max(0, room))
        if amount <= 0:
            continue
        plan.append((member, priority, amount))
        available -= amount
    if not plan:
        raise TimeBankError(TimeBankErrorCode.POOL_EMPTY)
    _lock_members(*[m for m, _p, _a in plan])
    results = accounts.post([ledger_api.TransferRequest(
        client_id=f"tb:allot:{batch_key}:{member.pk}", debit_account_id=pool_id,
        credit_account_id=member.account_id, amount=amount, ledger=TIME, code="tb_allot",  # type: ignore[arg-type]
        memo={"street": street_region.pk, "priority": int(priority), "actor": actor.pk}, linked=True,
    ) for member, priority, amount in plan])
    allotments = PoolAllotment.objects.bulk_create([
        PoolAllotment(street=street_region, member=member, minutes=amount, priority=priority,
                      transfer_id=accounts.tid(result), actor=actor, batch_key=batch_key)
        for (member, priority, amount), result in zip(plan, results, strict=True)
    ])
    _publish_balances([m for m, _p, _a in plan])
    return allotments


# --- redemption -------------------------------------------------------------------------------------------


@transaction.atomic
def timebank_redeem(
    *,
    actor: User,
    service_type: str,
    minutes: int,
    region: Region,
    idempotency_key: str,
    notes: str = "",
    on_behalf_of: TimeBankMember | None = None,
) -> Redemption:
    """Ask for a service paid in minutes: the minutes are held (a pending ledger transfer) until settled.

    `region` is where the service is wanted: any street or community of the member's district, whichever
    street the minutes were earned in (通存通兑). The request is a service need for the volunteering app
    (see selectors.redemption_open_list); redemption_settle posts or voids the hold.
    Raises BELOW_REDEMPTION_AGE / BIRTH_YEAR_UNKNOWN, INSUFFICIENT_BALANCE, OUTSIDE_DISTRICT,
    OUT_OF_RANGE (minutes), IDEMPOTENCY_MISMATCH, NOT_A_MEMBER.
    """
    key = _key(idempotency_key)
    rules = rules_get()
    minutes = _minutes(minutes, maximum=rules.max_redemption_minutes)
    service_type = _checked(check_text, service_type, field="serviceType", max_length=40, required=True)
    notes = _checked(check_text, notes, field="notes", max_length=500)
    member, on_behalf = _acting_member(actor, on_behalf_of)
    if region.level == Region.Level.DISTRICT:
        raise TimeBankError(TimeBankErrorCode.NOT_A_STREET, _("请选择街道或社区。"), field="regionId")
    if not region.path.startswith(_district_path(member.street)):
        raise TimeBankError(TimeBankErrorCode.OUTSIDE_DISTRICT, field="regionId")
    age = age_this_year(member)
    if age is None:
        raise TimeBankError(TimeBankErrorCode.BIRTH_YEAR_UNKNOWN)
    min_age = redemption_age_for(member, rules)
    if age < min_age:
        raise TimeBankError(TimeBankErrorCode.BELOW_REDEMPTION_AGE, params={"age": min_age})

    member = _lock_members(member)[member.pk]
    existing = Redemption.objects.filter(idempotency_key=key).first()
    if existing is not None:
        same = (existing.member_id == member.pk and existing.minutes == minutes
                and existing.service_type == service_type and existing.region_id == region.pk)
        if not same:
            raise TimeBankError(TimeBankErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    result = accounts.post([ledger_api.TransferRequest(
        client_id=f"tb:redeem:{key}", debit_account_id=member.account_id,  # type: ignore[arg-type]
        credit_account_id=accounts.issuer_account_id(), amount=minutes, ledger=TIME, code="tb_redeem",
        pending=True, timeout_seconds=rules.redemption_hold_days * 86400 or None,
        memo={"member": member.pk, "service_type": service_type, "region": region.pk, "actor": actor.pk,
              "on_behalf": on_behalf},
    )], field="minutes")[0]
    redemption = Redemption.objects.create(
        idempotency_key=key, member=member, service_type=service_type, minutes=minutes, region=region, notes=notes,
        pending_transfer_id=accounts.tid(result), requested_by=actor, on_behalf=on_behalf,
    )
    _publish_balances([member])
    return redemption


def _redemption_for_frontline(actor: User, redemption_id: int) -> Redemption:
    redemption = (Redemption.objects.select_for_update(of=("self",)).select_related("region", "member")
                  .filter(pk=redemption_id).first())
    if redemption is None or not access.has_role(actor, FRONTLINE, redemption.region):
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="redemptionId")
    return redemption


@transaction.atomic
def redemption_schedule(*, redemption_id: int, actor: User, task_id: int | None = None) -> Redemption:
    """The need became a task (the volunteering app calls this): requested → scheduled. The hold stays."""
    redemption = _redemption_for_frontline(actor, redemption_id)
    if redemption.status == Redemption.Status.SCHEDULED and redemption.task_id == task_id:
        return redemption
    if redemption.status != Redemption.Status.REQUESTED:
        raise TimeBankError(TimeBankErrorCode.ALREADY_SETTLED, field="redemptionId")
    redemption.status = Redemption.Status.SCHEDULED
    redemption.task_id = task_id
    redemption.scheduled_by = actor
    redemption.scheduled_at = timezone.now()
    redemption.save(update_fields=["status", "task_id", "scheduled_by", "scheduled_at"])
    return redemption


def _settle(redemption: Redemption, *, delivered: bool, actor: User) -> Redemption:
    outcome = Redemption.Status.DELIVERED if delivered else Redemption.Status.CANCELLED
    if redemption.status == outcome:
        return redemption  # settled already, the same way: exactly once
    if redemption.status not in Redemption.OPEN:
        raise TimeBankError(TimeBankErrorCode.ALREADY_SETTLED, field="redemptionId")
    member = _lock_members(redemption.member)[redemption.member_id]
    settle_transfer_id = None
    try:
        if delivered:
            settle_transfer_id = ledger_api.post_pending(
                client_id=f"tb:redeem:{redemption.pk}:post", pending_id=redemption.pending_transfer_id
            ).transfer_id
        else:
            settle_transfer_id = ledger_api.void_pending(
                client_id=f"tb:redeem:{redemption.pk}:void", pending_id=redemption.pending_transfer_id
            ).transfer_id
    except ledger_api.LedgerError as exc:
        # A hold that expired (rules.redemption_hold_days) was released by the ledger: cancelling is then
        # only our bookkeeping; delivering can no longer be paid from it.
        if exc.code != "PENDING_EXPIRED" or delivered:
            raise accounts.ledger_error(exc.code, field="redemptionId")
    redemption.status = outcome
    redemption.settle_transfer_id = settle_transfer_id
    redemption.settled_by = actor
    redemption.settled_at = timezone.now()
    redemption.save(update_fields=["status", "settle_transfer_id", "settled_by", "settled_at"])
    _publish_balances([member])
    return redemption


@transaction.atomic
def redemption_settle(*, redemption_id: int, delivered: bool, actor: User) -> Redemption:
    """Post the hold (the service was delivered) or void it (cancelled) — exactly once.

    For frontline staff and social workers of the region where the service is delivered (the volunteering
    app calls it when the redemption's task is confirmed or cancelled). Calling again with the same outcome
    returns the redemption unchanged; the other outcome raises ALREADY_SETTLED. NOT_FOUND when the actor may
    not see the redemption.
    """
    return _settle(_redemption_for_frontline(actor, redemption_id), delivered=delivered, actor=actor)


def redemptions_sync_expired() -> int:
    """Mark as cancelled the open redemptions whose hold the ledger expired (rules.redemption_hold_days).

    The ledger's own expiry job voids the pending transfer; this records it here. Returns how many changed.
    """
    from ledger.models import Phase, Transfer

    changed = 0
    open_holds = Redemption.objects.filter(status__in=Redemption.OPEN).values_list("pk", "pending_transfer_id")
    for chunk_start in range(0, 100_000, 500):  # bounded
        chunk = list(open_holds[chunk_start:chunk_start + 500])
        if not chunk:
            break
        expired = dict(Transfer.objects.filter(pending_id__in=[p for _r, p in chunk], phase=Phase.EXPIRE)
                       .values_list("pending_id", "pk"))
        for redemption_id, pending_id in chunk:
            if pending_id in expired:
                with transaction.atomic():
                    changed += Redemption.objects.filter(pk=redemption_id, status__in=Redemption.OPEN).update(
                        status=Redemption.Status.CANCELLED, settle_transfer_id=expired[pending_id],
                        settled_at=timezone.now(),
                    )
    return changed


@transaction.atomic
def redemption_cancel(*, actor: User, redemption_id: int) -> Redemption:
    """The member (or staff acting for them, or frontline staff of the service region) cancels: the hold voids."""
    redemption = (Redemption.objects.select_for_update(of=("self",)).select_related("region", "member__region")
                  .filter(pk=redemption_id).first())
    if redemption is None:
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="redemptionId")
    member = redemption.member
    may = (member.user_id == actor.pk or access.has_role(actor, FRONTLINE, member.region)
           or access.has_role(actor, FRONTLINE, redemption.region))
    if not may:
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="redemptionId")
    return _settle(redemption, delivered=False, actor=actor)


# --- rules ------------------------------------------------------------------------------------------------

RULE_FIELDS = {
    "storage_cap_minutes": (60, MAX_MINUTES),
    "max_service_minutes": (1, 7 * 24 * 60),
    "star1_minutes": (0, MAX_MINUTES),
    "star2_minutes": (0, MAX_MINUTES),
    "star3_minutes": (0, MAX_MINUTES),
    "star4_minutes": (0, MAX_MINUTES),
    "star5_minutes": (0, MAX_MINUTES),
    "yearly_give_cap_minutes": (0, MAX_MINUTES),
    "redemption_age": (0, 130),
    "hardship_redemption_age": (0, 130),
    "max_redemption_minutes": (1, MAX_MINUTES),
    "redemption_hold_days": (0, 3650),
    "key_elder_age": (0, 130),
    "elder_min_age": (0, 130),
    "pool_allotment_minutes": (1, MAX_MINUTES),
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)


@transaction.atomic
def rules_update(*, actor: User, **changes: int) -> TimeBankRules:
    """An administrator changes the time-bank rules (any subset of RULE_FIELDS)."""
    if not access.has_role(actor, Role.ADMINISTRATOR):
        raise TimeBankError(TimeBankErrorCode.PERMISSION_DENIED)
    rules_get()
    rules = TimeBankRules.objects.select_for_update().get(pk=1)
    for name, value in changes.items():
        if name not in RULE_FIELDS:
            raise TimeBankError(TimeBankErrorCode.INVALID, field=_camel(name))
        if value is None:
            continue
        low, high = RULE_FIELDS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not (low <= value <= high):
            raise TimeBankError(TimeBankErrorCode.OUT_OF_RANGE, _("必须在 %(low)s 到 %(high)s 之间。"),
                                field=_camel(name), params={"low": low, "high": high})
        setattr(rules, name, value)
    thresholds = rules.star_thresholds()
    if thresholds != sorted(thresholds):
        raise TimeBankError(TimeBankErrorCode.INVALID, _("星级所需时长必须逐级递增。"), field="star1Minutes")
    if rules.hardship_redemption_age > rules.redemption_age:
        raise TimeBankError(TimeBankErrorCode.INVALID, _("特殊困难人员的兑换年龄不能高于一般兑换年龄。"),
                            field="hardshipRedemptionAge")
    if rules.elder_min_age > rules.key_elder_age:
        raise TimeBankError(TimeBankErrorCode.INVALID, _("优先老人最低年龄不能高于重点老人年龄。"), field="elderMinAge")
    rules.updated_by = actor
    rules.save()
    return rules


# --- certificates -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfirmedService:
    total_minutes: int
    service_count: int
    last_transfer_id: int
    first_service: date | None
    last_service: date | None
    by_organisation: list[tuple[str, int]]


def confirmed_service_from_ledger(
    member: TimeBankMember, *, organisation_name: str | None = None, up_to_transfer_id: int | None = None
) -> ConfirmedService:
    """The member's confirmed service minutes as the ledger has them: the amounts of the minting transfers
    (to the member, and above the cap to the pool) of each earning, minus what reversals took back.

    Each earning is checked against its ledger transfers: minted by the issuing account, to this member's
    account (or a pool), for the amount recorded. An earning whose transfers do not say so counts zero.
    """
    from ledger.models import Transfer

    records = EarnRecord.objects.filter(member=member)
    if organisation_name is not None:
        records = records.filter(organisation_name=organisation_name)
    records_list = list(records.order_by("service_date", "id"))
    ids = [t for r in records_list for t in (r.transfer_id, r.donation_transfer_id) if t]
    issuer = ledger_api.account_get(accounts.ISSUER_CODE)
    transfers = {t.pk: t for t in Transfer.objects.filter(pk__in=ids)}
    reversal_filter = Transfer.objects.filter(reverses_id__in=ids)
    if up_to_transfer_id is not None:
        reversal_filter = reversal_filter.filter(pk__lte=up_to_transfer_id)
    reversed_amounts: dict[int, int] = {}
    for rev_of, amount in reversal_filter.values_list("reverses_id", "amount"):
        reversed_amounts[rev_of] = reversed_amounts.get(rev_of, 0) + amount
    total = count = last_id = 0
    first = last = None
    per_org: dict[str, int] = {}
    for record in records_list:
        minutes = 0
        ok = True
        for transfer_id, expected, to_member in ((record.transfer_id, record.credited_minutes, True),
                                                 (record.donation_transfer_id, record.donated_minutes, False)):
            if not expected:
                continue
            transfer = transfers.get(transfer_id) if transfer_id else None
            if (transfer is None or issuer is None or transfer.debit_account_id != issuer.pk
                    or transfer.amount != expected
                    or (to_member and transfer.credit_account_id != member.account_id)
                    or (up_to_transfer_id is not None and transfer.pk > up_to_transfer_id)):
                ok = False
                break
            minutes += transfer.amount - reversed_amounts.get(transfer.pk, 0)
            last_id = max(last_id, transfer.pk)
        if not ok or minutes <= 0:
            continue
        total += minutes
        count += 1
        first = first or record.service_date
        last = record.service_date
        per_org[record.organisation_name] = per_org.get(record.organisation_name, 0) + minutes
    for rev_id in reversal_filter.values_list("pk", flat=True):
        last_id = max(last_id, rev_id)
    return ConfirmedService(
        total_minutes=total, service_count=count, last_transfer_id=last_id, first_service=first, last_service=last,
        by_organisation=sorted(per_org.items(), key=lambda kv: (-kv[1], kv[0])),
    )


@transaction.atomic
def certificate_issue(
    *, actor: User, organisation_name: str | None = None, on_behalf_of: TimeBankMember | None = None
) -> Certificate:
    """Issue a 志愿服务记录证明 for the member's confirmed service, counted from the ledger.

    Without `organisation_name` it covers all services and is issued in the name of the platform's
    organisation (settings.HUZHU_ORGANISATION_NAME); with it, only the services that organisation ran, in
    its name. Raises NO_SERVICE (nothing confirmed to certify).
    """
    member, _on_behalf = _acting_member(actor, on_behalf_of)
    only = organisation_name is not None
    if only:
        organisation_name = _checked(check_text, organisation_name, field="organisationName", required=True)
    confirmed = confirmed_service_from_ledger(member, organisation_name=organisation_name if only else None)
    if confirmed.total_minutes <= 0:
        raise TimeBankError(TimeBankErrorCode.NO_SERVICE)
    issuer_name = str(organisation_name if only else settings.HUZHU_ORGANISATION_NAME)
    # Asking again with nothing new in the ledger gives the same certificate, not a new number.
    same = Certificate.objects.filter(
        member=member, organisation_name=issuer_name, only_organisation=only, total_minutes=confirmed.total_minutes,
        last_transfer_id=confirmed.last_transfer_id,
    ).order_by("-issued_at").first()
    if same is not None:
        return same
    return Certificate.objects.create(
        member=member, organisation_name=issuer_name, only_organisation=only, total_minutes=confirmed.total_minutes,
        service_count=confirmed.service_count, last_transfer_id=confirmed.last_transfer_id, issued_by=actor,
    )
