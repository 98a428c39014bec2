"""Writes for households: registration, updates, personal data, needs and their status, visits.

Every function is one transaction, keyword-only, and checks the actor through huzhu.people.access first:
- register / update a household, update its personal data, edit a need or change its status: workstation
  staff or administrators over the household's region (MANAGE_ROLES);
- create a need, record a visit, read personal data: also social workers (FRONTLINE_ROLES).
Callers pass households and needs fetched through the scoped selectors, so another street's id has already
become NOT_FOUND; the services check the role again on the object's region, so a caller that forgets cannot
widen anything.

Events leave after commit as Django signals (huzhu.households.signals), so a rolled-back write tells nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import (
    MAX_FEN,
    MAX_LONG_TEXT,
    MAX_MINUTES,
    CommonErrorCode,
    ServiceError,
    check_amount,
    check_text,
)
from huzhu.people.access import has_role
from huzhu.people.models import User, Workstation
from huzhu.regions.models import Region

from . import personal as crypto
from . import signals
from .errors import HouseholdErrorCode
from .models import (
    NEED_TRANSITIONS,
    AgeBand,
    Category,
    DuplicateFlag,
    EconomicCheckStatus,
    GoodsCategory,
    Household,
    HouseholdMember,
    HouseholdPersonal,
    Need,
    NeedKind,
    NeedStatus,
    NeedStatusChange,
    PersonalDataAccess,
    Relation,
    ServiceType,
    Sex,
    Tag,
    Visit,
)
from .personal import PERSONAL_FIELDS
from .selectors import FRONTLINE_ROLES, MANAGE_ROLES, street_id_of

MAX_MEMBERS = 20
MAX_NAME = 50
MAX_ADDRESS = 200
MAX_QUANTITY = 100_000
MAX_PURPOSE = 200
UNSET: Any = object()  # "leave as is", distinct from None ("clear")


@dataclass(frozen=True)
class MemberInput:
    relation: str
    age_band: str
    sex: str = Sex.UNKNOWN
    tags: Sequence[str] = ()
    name: str = ""  # personal data: stored encrypted in HouseholdPersonal.member_names


@dataclass(frozen=True)
class PersonalInput:
    head_name: str
    id_number: str
    phone: str = ""
    address: str = ""


@dataclass
class _CleanMembers:
    members: list[HouseholdMember] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


# --- checks ------------------------------------------------------------------------------------------------


def _require(actor: User | None, roles: Sequence[str], region: Region) -> None:
    if not has_role(actor, roles, region):
        raise ServiceError(CommonErrorCode.PERMISSION_DENIED)


def _choice(value: Any, choices: type[models.TextChoices], *, field_name: str) -> str:
    value = getattr(value, "value", value)
    if not isinstance(value, str) or value not in choices.values:
        raise ServiceError(CommonErrorCode.INVALID, field=field_name)
    return value


def _clean_tags(tags: Sequence[str] | None, *, field_name: str) -> list[str]:
    tags = list(tags or [])
    if len(tags) > len(Tag.values):
        raise ServiceError(CommonErrorCode.INVALID, field=field_name)
    clean = {_choice(t, Tag, field_name=field_name) for t in tags}
    return [t for t in Tag.values if t in clean]  # canonical order, no repeats


def _clean_region(region: Region) -> Region:
    if region.level not in (Region.Level.COMMUNITY, Region.Level.GRID):
        raise ServiceError(HouseholdErrorCode.REGION_LEVEL, field="regionId")
    return region


def _clean_members(members: Sequence[MemberInput]) -> _CleanMembers:
    if len(members) > MAX_MEMBERS:
        raise ServiceError(HouseholdErrorCode.TOO_MANY_MEMBERS, field="members")
    out = _CleanMembers()
    for i, m in enumerate(members):
        prefix = f"members.{i}."
        out.members.append(HouseholdMember(
            position=i,
            relation=_choice(m.relation, Relation, field_name=prefix + "relation"),
            age_band=_choice(m.age_band, AgeBand, field_name=prefix + "ageBand"),
            sex=_choice(m.sex or Sex.UNKNOWN, Sex, field_name=prefix + "sex"),
            tags=_clean_tags(m.tags, field_name=prefix + "tags"),
        ))
        out.names.append(check_text(m.name, field=prefix + "name", max_length=MAX_NAME))
    if sum(1 for m in out.members if m.relation == Relation.HEAD) != 1:
        raise ServiceError(HouseholdErrorCode.HEAD_REQUIRED, field="members")
    return out


def _clean_id_number(value: str) -> str:
    value = crypto.normalise_id_number(check_text(value, field="idNumber", max_length=32, required=True))
    if not crypto.id_number_is_valid(value):
        raise ServiceError(HouseholdErrorCode.INVALID_ID_NUMBER, field="idNumber")
    return value


def _clean_phone(value: str) -> str:
    value = check_text(value, field="phone", max_length=32).replace(" ", "")
    if value and not crypto.phone_is_valid(value):
        raise ServiceError(HouseholdErrorCode.INVALID_PHONE, field="phone")
    return value


def _clean_dates(checked_at: dt.date | None, next_check_due: dt.date | None) -> None:
    today = timezone.localdate()
    if checked_at is not None and not (dt.date(2000, 1, 1) <= checked_at <= today):
        raise ServiceError(CommonErrorCode.OUT_OF_RANGE, field="checkedAt")
    if next_check_due is not None:
        if not (dt.date(2000, 1, 1) <= next_check_due <= today + dt.timedelta(days=366 * 5)):
            raise ServiceError(CommonErrorCode.OUT_OF_RANGE, field="nextCheckDue")
        if checked_at is not None and next_check_due < checked_at:
            raise ServiceError(CommonErrorCode.INVALID, _("下次核对日期不能早于核对日期。"), field="nextCheckDue")


def _audit(actor: User | None, household: Household, fields: Sequence[str], purpose: str,
           operation: str = PersonalDataAccess.Operation.READ) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        actor=actor, household=household, fields=list(fields), operation=operation, purpose=purpose[:MAX_PURPOSE]
    )


# --- duplicate detection -----------------------------------------------------------------------------------


def _lock_id_number(digest: str) -> None:
    """Serialise registrations of the same ID number: without it two streets registering the same person at
    the same moment would each miss the other's uncommitted row and neither would be flagged."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7))", [digest])


def _flag_duplicates(household: Household, digest: str) -> list[DuplicateFlag]:
    """Flag `household` and every household of ANOTHER street with the same ID number hash, both ways.

    The same number twice in one street is refused instead (DUPLICATE_ID_NUMBER): that street's staff can see
    both records and should update the existing one. The flags name only the other street and date.
    """
    others = list(
        HouseholdPersonal.objects.filter(id_number_hmac=digest)
        .exclude(household_id=household.id)
        .select_related("household__region")
    )
    own_street = street_id_of(household.region)
    if any(street_id_of(o.household.region) == own_street for o in others):
        raise ServiceError(HouseholdErrorCode.DUPLICATE_ID_NUMBER, field="idNumber")
    flags: list[DuplicateFlag] = []
    for other in others:
        other_hh = other.household
        other_street = street_id_of(other_hh.region)
        if other_street is None or own_street is None:
            continue
        flags.append(DuplicateFlag(household=household, other_household=other_hh, other_street_id=other_street,
                                   other_registered_on=timezone.localdate(other_hh.created_at)))
        flags.append(DuplicateFlag(household=other_hh, other_household=household, other_street_id=own_street,
                                   other_registered_on=timezone.localdate(household.created_at)))
    if flags:
        DuplicateFlag.objects.bulk_create(flags, ignore_conflicts=True)
        ids = {household.id, *(o.household_id for o in others)}
        Household.objects.filter(id__in=ids).update(possible_duplicate=True)
        household.possible_duplicate = True
    return flags


def _clear_duplicates(household: Household) -> None:
    """Drop the flags between `household` and others (its ID number changed), and unflag who has none left."""
    partners = list(DuplicateFlag.objects.filter(household=household).values_list("other_household_id", flat=True))
    DuplicateFlag.objects.filter(household=household).delete()
    DuplicateFlag.objects.filter(other_household=household).delete()
    for hid in [household.id, *partners]:
        still = DuplicateFlag.objects.filter(household_id=hid).exists()
        Household.objects.filter(id=hid).update(possible_duplicate=still)
    household.possible_duplicate = False


def _default_workstation(region: Region) -> Workstation | None:
    """The deepest workstation whose region covers `region` (a community's own workstation before its street's)."""
    prefixes = [".".join(str(i) for i in region.ancestor_ids()[:n]) + "." for n in range(1, region.depth + 1)]
    candidates = Workstation.objects.filter(region__path__in=prefixes).select_related("region")
    return max(candidates, key=lambda w: (w.region.depth, -w.id), default=None)


# --- households --------------------------------------------------------------------------------------------


@transaction.atomic
def household_register(
    *,
    actor: User,
    region: Region,
    category: str,
    members: Sequence[MemberInput],
    personal: PersonalInput,
    tags: Sequence[str] = (),
    workstation: Workstation | None = None,
    economic_check_status: str = EconomicCheckStatus.NOT_CHECKED,
    checked_at: dt.date | None = None,
    next_check_due: dt.date | None = None,
) -> Household:
    """Register a household with its members and personal data (encrypted), by staff over `region`.

    Returns the household; `household.possible_duplicate` is True when another street registered the same ID
    number (both are flagged). Raises PERMISSION_DENIED outside the actor's area, REGION_LEVEL unless the
    region is a community or grid, HEAD_REQUIRED, INVALID_ID_NUMBER, INVALID_PHONE, DUPLICATE_ID_NUMBER (same
    street), NO_WORKSTATION, INVALID/TOO_LONG/OUT_OF_RANGE with the input field.
    """
    _require(actor, MANAGE_ROLES, region)
    _clean_region(region)
    category = _choice(category, Category, field_name="category")
    clean_tags = _clean_tags(tags, field_name="tags")
    status = _choice(economic_check_status, EconomicCheckStatus, field_name="economicCheckStatus")
    _clean_dates(checked_at, next_check_due)
    clean = _clean_members(members)
    head_name = check_text(personal.head_name, field="headName", max_length=MAX_NAME, required=True)
    id_number = _clean_id_number(personal.id_number)
    phone = _clean_phone(personal.phone)
    address = check_text(personal.address, field="address", max_length=MAX_ADDRESS, required=True)
    if workstation is None:
        workstation = _default_workstation(region)
        if workstation is None:
            raise ServiceError(HouseholdErrorCode.NO_WORKSTATION, field="workstationId")
    elif not workstation.region.contains(region):
        raise ServiceError(HouseholdErrorCode.NO_WORKSTATION, field="workstationId")

    digest = crypto.id_number_hmac(id_number)
    _lock_id_number(digest)
    household = Household(region=region, category=category, tags=clean_tags, registered_by=workstation,
                          economic_check_status=status, checked_at=checked_at, next_check_due=next_check_due)
    household.full_clean()
    household.save()
    for member in clean.members:
        member.household = household
    HouseholdMember.objects.bulk_create(clean.members)
    HouseholdPersonal.objects.create(
        household=household,
        head_name_enc=crypto.encrypt(head_name),
        id_number_enc=crypto.encrypt(id_number),
        phone_enc=crypto.encrypt(phone),
        address_enc=crypto.encrypt(address),
        member_names_enc=crypto.encrypt_list(clean.names),
        id_number_hmac=digest,
    )
    _flag_duplicates(household, digest)
    _audit(actor, household, PERSONAL_FIELDS, "register", PersonalDataAccess.Operation.WRITE)
    hid = household.id
    transaction.on_commit(lambda: signals.household_registered.send(Household, household_id=hid))
    return household


@transaction.atomic
def household_update(
    *,
    actor: User,
    household: Household,
    region: Region | None = None,
    category: str | None = None,
    tags: Sequence[str] | None = None,
    economic_check_status: str | None = None,
    checked_at: Any = UNSET,
    next_check_due: Any = UNSET,
    members: Sequence[MemberInput] | None = None,
) -> Household:
    """Change what is given (None/UNSET: leave as is). `members` replaces all members and their names.

    Moving to another region needs the staff role over both. Raises like household_register.
    """
    household = Household.objects.select_for_update().select_related("region").get(id=household.id)
    _require(actor, MANAGE_ROLES, household.region)
    if region is not None and region.id != household.region_id:
        _require(actor, MANAGE_ROLES, region)
        household.region = _clean_region(region)
    if category is not None:
        household.category = _choice(category, Category, field_name="category")
    if tags is not None:
        household.tags = _clean_tags(tags, field_name="tags")
    if economic_check_status is not None:
        household.economic_check_status = _choice(
            economic_check_status, EconomicCheckStatus, field_name="economicCheckStatus"
        )
    if checked_at is not UNSET:
        household.checked_at = checked_at
    if next_check_due is not UNSET:
        household.next_check_due = next_check_due
    _clean_dates(household.checked_at, household.next_check_due)
    if members is not None:
        clean = _clean_members(members)
        household.members.all().delete()
        for member in clean.members:
            member.household = household
        HouseholdMember.objects.bulk_create(clean.members)
        HouseholdPersonal.objects.filter(household=household).update(
            member_names_enc=crypto.encrypt_list(clean.names)
        )
        _audit(actor, household, ["member_names"], "update", PersonalDataAccess.Operation.WRITE)
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def personal_data_update(
    *,
    actor: User,
    household: Household,
    head_name: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    member_names: Sequence[str] | None = None,
) -> HouseholdPersonal:
    """Replace the given personal fields (None: leave as is); audited as one write. A new ID number is checked
    for duplicates again: old flags go, new ones come, a same-street duplicate is refused."""
    _require(actor, MANAGE_ROLES, household.region)
    row = HouseholdPersonal.objects.select_for_update().get(household=household)
    changed: list[str] = []
    if head_name is not None:
        row.head_name_enc = crypto.encrypt(check_text(head_name, field="headName", max_length=MAX_NAME,
                                                      required=True))
        changed.append("head_name")
    if id_number is not None:
        number = _clean_id_number(id_number)
        digest = crypto.id_number_hmac(number)
        if digest != row.id_number_hmac:
            _lock_id_number(digest)
            _clear_duplicates(household)
            row.id_number_hmac = digest
            _flag_duplicates(household, digest)
        row.id_number_enc = crypto.encrypt(number)
        changed.append("id_number")
    if phone is not None:
        row.phone_enc = crypto.encrypt(_clean_phone(phone))
        changed.append("phone")
    if address is not None:
        row.address_enc = crypto.encrypt(check_text(address, field="address", max_length=MAX_ADDRESS,
                                                    required=True))
        changed.append("address")
    if member_names is not None:
        count = household.members.count()
        if len(member_names) != count:
            raise ServiceError(CommonErrorCode.INVALID, _("姓名数须与家庭成员数一致。"), field="memberNames")
        names = [check_text(n, field=f"memberNames.{i}", max_length=MAX_NAME) for i, n in enumerate(member_names)]
        row.member_names_enc = crypto.encrypt_list(names)
        changed.append("member_names")
    if changed:
        row.save()
        _audit(actor, household, changed, "update", PersonalDataAccess.Operation.WRITE)
    return row


def personal_data_read(
    *, actor: User | None, household: Household, fields: list[str], purpose: str, allow: bool = False
) -> dict[str, Any]:
    """Decrypt the given personal fields of a household and write exactly ONE audit row for this read.

    fields ⊆ ("head_name", "id_number", "phone", "address", "member_names"); returns {field: value}
    (member_names is a list of str). The actor must be workstation staff, a social worker or an administrator
    over the household's region — unless the calling service has done its own check and passes allow=True
    (e.g. volunteering reveals the address to a task's team with purpose "task:<id>"); that read is audited
    the same way. Raises NOT_FOUND when refused (no audit row: nothing was read), INVALID/REQUIRED/TOO_LONG for
    fields and purpose.
    """
    with transaction.atomic():
        if not allow and not has_role(actor, FRONTLINE_ROLES, household.region):
            raise ServiceError(CommonErrorCode.NOT_FOUND)
        wanted = list(dict.fromkeys(fields or []))
        if not wanted:
            raise ServiceError(CommonErrorCode.REQUIRED, field="fields")
        if any(f not in PERSONAL_FIELDS for f in wanted):
            raise ServiceError(CommonErrorCode.INVALID, field="fields")
        purpose = check_text(purpose, field="purpose", max_length=MAX_PURPOSE, required=True)
        row = HouseholdPersonal.objects.filter(household_id=household.id).first()
        _audit(actor, household, wanted, purpose)
        if row is None:
            return {f: ([] if f == "member_names" else "") for f in wanted}
        out: dict[str, Any] = {}
        for f in wanted:
            token = getattr(row, f"{f}_enc")
            out[f] = crypto.decrypt_list(token) if f == "member_names" else crypto.decrypt(token)
        return out


# --- needs -------------------------------------------------------------------------------------------------


@dataclass
class _NeedDetails:
    amount_fen: int | None = None
    goods_category: str = ""
    goods_item: str = ""
    quantity: int | None = None
    service_type: str = ""
    minutes: int | None = None


def _clean_need_details(kind: str, d: _NeedDetails) -> _NeedDetails:
    """The fields a kind needs, and nothing of another kind's (NEED_DETAILS names the offending field)."""
    if kind == NeedKind.MONEY:
        if d.amount_fen is None:
            raise ServiceError(CommonErrorCode.REQUIRED, field="amountFen")
        stray = [n for n, v in (("goodsItem", d.goods_item), ("quantity", d.quantity),
                                ("serviceType", d.service_type), ("minutes", d.minutes)) if v not in (None, "")]
        if stray:
            raise ServiceError(HouseholdErrorCode.NEED_DETAILS, field=stray[0])
        return _NeedDetails(amount_fen=check_amount(d.amount_fen, field="amountFen", maximum=MAX_FEN))
    if kind == NeedKind.GOODS:
        stray = [n for n, v in (("amountFen", d.amount_fen), ("serviceType", d.service_type),
                                ("minutes", d.minutes)) if v not in (None, "")]
        if stray:
            raise ServiceError(HouseholdErrorCode.NEED_DETAILS, field=stray[0])
        if d.quantity is None:
            raise ServiceError(CommonErrorCode.REQUIRED, field="quantity")
        return _NeedDetails(
            goods_category=_choice(d.goods_category or GoodsCategory.OTHER, GoodsCategory,
                                   field_name="goodsCategory"),
            goods_item=check_text(d.goods_item, field="goodsItem", max_length=100, required=True),
            quantity=check_amount(d.quantity, field="quantity", maximum=MAX_QUANTITY),
        )
    stray = [n for n, v in (("amountFen", d.amount_fen), ("goodsItem", d.goods_item), ("quantity", d.quantity),
                            ("goodsCategory", d.goods_category)) if v not in (None, "")]
    if stray:
        raise ServiceError(HouseholdErrorCode.NEED_DETAILS, field=stray[0])
    if d.minutes is None:
        raise ServiceError(CommonErrorCode.REQUIRED, field="minutes")
    if not d.service_type:
        raise ServiceError(CommonErrorCode.REQUIRED, field="serviceType")
    return _NeedDetails(
        service_type=_choice(d.service_type, ServiceType, field_name="serviceType"),
        minutes=check_amount(d.minutes, field="minutes", maximum=MAX_MINUTES),
    )


@transaction.atomic
def need_create(
    *,
    actor: User,
    household: Household,
    kind: str,
    amount_fen: int | None = None,
    goods_category: str = "",
    goods_item: str = "",
    quantity: int | None = None,
    service_type: str = "",
    minutes: int | None = None,
    urgent: bool = False,
    description: str = "",
) -> Need:
    """Open a need of a household: money (amount_fen), goods (goods_item, quantity, goods_category) or service
    (service_type, minutes). Urgent (救急难) needs jump every queue. Staff, social workers, administrators.

    After commit sends signals.need_opened(need_id=, urgent=). Raises NEED_DETAILS when a field of another
    kind is given, REQUIRED/OUT_OF_RANGE/TOO_LONG/INVALID with the field."""
    _require(actor, FRONTLINE_ROLES, household.region)
    kind = _choice(kind, NeedKind, field_name="kind")
    details = _clean_need_details(kind, _NeedDetails(amount_fen, goods_category or "", goods_item or "", quantity,
                                                     service_type or "", minutes))
    description = check_text(description, field="description", max_length=MAX_LONG_TEXT)
    need = Need(household=household, kind=kind, urgent=bool(urgent), description=description,
                status=NeedStatus.OPEN, created_by=actor, opened_at=timezone.now(), **details.__dict__)
    need.full_clean()
    need.save()
    NeedStatusChange.objects.create(need=need, actor=actor, from_status="", to_status=NeedStatus.OPEN)
    need_id, is_urgent = need.id, need.urgent
    transaction.on_commit(lambda: signals.need_opened.send(Need, need_id=need_id, urgent=is_urgent))
    return need


@transaction.atomic
def need_update(
    *,
    actor: User,
    need: Need,
    amount_fen: int | None = None,
    goods_category: str | None = None,
    goods_item: str | None = None,
    quantity: int | None = None,
    service_type: str | None = None,
    minutes: int | None = None,
    urgent: bool | None = None,
    description: str | None = None,
) -> Need:
    """Edit an open need's details (None: leave as is). The kind cannot change: close it and open another."""
    need = Need.objects.select_for_update().select_related("household__region").get(id=need.id)
    _require(actor, MANAGE_ROLES, need.household.region)
    if need.status != NeedStatus.OPEN:
        raise ServiceError(HouseholdErrorCode.NEED_NOT_EDITABLE)

    def pick(new: Any, old: Any) -> Any:
        return old if new is None else new

    merged = _NeedDetails(
        amount_fen=pick(amount_fen, need.amount_fen), goods_category=pick(goods_category, need.goods_category),
        goods_item=pick(goods_item, need.goods_item), quantity=pick(quantity, need.quantity),
        service_type=pick(service_type, need.service_type), minutes=pick(minutes, need.minutes),
    )
    for key, value in _clean_need_details(need.kind, merged).__dict__.items():
        setattr(need, key, value)
    if urgent is not None:
        need.urgent = bool(urgent)
    if description is not None:
        need.description = check_text(description, field="description", max_length=MAX_LONG_TEXT)
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def need_set_status(
    *, actor: User | None, need: Need, status: str, note: str = "", allow: bool = False
) -> Need:
    """Move a need along open → proposed → matched → fulfilled / closed (NEED_TRANSITIONS) and record it.

    Staff or administrators over the household's region, or a calling service that checked itself
    (allow=True; matching proposes, giving/volunteering fulfil). The update is conditional on the status
    read, so of two concurrent changes from the same status one wins and the other gets CONFLICT.
    After commit sends signals.need_status_changed(need_id=, from_status=, to_status=).
    """
    need = Need.objects.select_related("household__region").get(id=need.id)
    if not allow:
        _require(actor, MANAGE_ROLES, need.household.region)
    status = _choice(status, NeedStatus, field_name="status")
    note = check_text(note, field="note", max_length=500)
    old = need.status
    if status not in NEED_TRANSITIONS[NeedStatus(old)]:
        raise ServiceError(HouseholdErrorCode.INVALID_TRANSITION, field="status")
    now = timezone.now()
    changes: dict[str, Any] = {"status": status, "updated_at": now}
    if status == NeedStatus.OPEN:
        changes["opened_at"] = now
    if Need.objects.filter(id=need.id, status=old).update(**changes) != 1:
        raise ServiceError(CommonErrorCode.CONFLICT)
    NeedStatusChange.objects.create(need=need, actor=actor, from_status=old, to_status=status, note=note)
    need.refresh_from_db()
    nid = need.id
    transaction.on_commit(
        lambda: signals.need_status_changed.send(Need, need_id=nid, from_status=old, to_status=status)
    )
    return need


# --- visits ------------------------------------------------------------------------------------------------


@transaction.atomic
def visit_record(*, actor: User, household: Household, visited_at: dt.datetime, notes: str = "") -> Visit:
    """Record a visit (探访) by the actor. Not in the future, not more than a year back."""
    _require(actor, FRONTLINE_ROLES, household.region)
    if not isinstance(visited_at, dt.datetime):
        raise ServiceError(CommonErrorCode.INVALID, field="visitedAt")
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    now = timezone.now()
    if visited_at > now + dt.timedelta(minutes=5):
        raise ServiceError(HouseholdErrorCode.VISIT_IN_FUTURE, field="visitedAt")
    if visited_at < now - dt.timedelta(days=366):
        raise ServiceError(CommonErrorCode.OUT_OF_RANGE, field="visitedAt")
    notes = check_text(notes, field="notes", max_length=MAX_LONG_TEXT)
    visit = Visit(household=household, visitor=actor, visited_at=visited_at, notes=notes)
    visit.full_clean()
    visit.save()
    return visit



# --- key rotation ------------------------------------------------------------------------------------------


def personal_data_rotate_keys(*, batch_size: int = 500) -> int:
    """Re-encrypt every personal-data token under the first key of settings.PERSONAL_DATA_KEYS.

    Rotation: put the new key first (old keys after it), run this (`huzhu personal_data_rotate`), then drop the
    old keys. Each batch is its own transaction, with its rows locked, so the command can run on a live system.
    Returns the number of rows re-encrypted. Decrypts nothing into the open: no audit row is written.
    """
    fields = [f"{f}_enc" for f in PERSONAL_FIELDS]
    done = 0
    last_id = 0
    while True:
        with transaction.atomic():
            rows = list(HouseholdPersonal.objects.select_for_update().filter(household_id__gt=last_id)
                        .order_by("household_id")[:batch_size])
            if not rows:
                return done
            for row in rows:
                for f in fields:
                    setattr(row, f, crypto.rotate_token(getattr(row, f)))
            HouseholdPersonal.objects.bulk_update(rows, fields)
        done += len(rows)
        last_id = rows[-1].household_id
