"""Foundations (their fund and criteria) and the organisations that apply for projects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from huzhu.people import access
from huzhu.people.models import Role, User, Workstation
from huzhu.regions.models import Region
from ledger import api

from ..errors import ProjectError
from ..models import CriteriaSet, Criterion, Foundation, FoundationDeposit, Organisation, OrganisationMember
from .common import (
    E,
    can_manage_foundation,
    check_fen,
    check_key,
    cny_transfer,
    external_income_account_id,
    forget_memberships,
    is_manager,
    text,
)

ORG_ADMIN_ROLES = (Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _region(region_id: Any, field: str = "regionId") -> Region:
    if isinstance(region_id, bool) or not isinstance(region_id, int):
        raise ProjectError(E.INVALID, field=field)
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise ProjectError(E.NOT_FOUND, field=field)
    return region


def _user(user_id: Any, field: str = "userId") -> User:
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ProjectError(E.INVALID, field=field)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ProjectError(E.NOT_FOUND, field=field)
    return user


def _user_by_email(email: Any) -> User:
    email = text(email, field="email", max_length=254, required=True)
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise ProjectError(E.NOT_FOUND, field="email")
    return user


@transaction.atomic
def foundation_create(*, actor: User, name: str, region_id: int) -> Foundation:
    """A community foundation for a region, with its CNY fund account `projects:foundation:<id>`.

    Administrators of the region (or above) only: PERMISSION_DENIED otherwise.
    """
    name = text(name, field="name", max_length=100, required=True)
    region = _region(region_id)
    if not access.has_role(actor, Role.ADMINISTRATOR, region):
        raise ProjectError(E.PERMISSION_DENIED)
    if Foundation.objects.filter(name=name).exists():
        raise ProjectError(E.CONFLICT, field="name")
    foundation = Foundation.objects.create(name=name, region=region, created_by=actor)
    account = api.account_open(ledger=api.Ledger.CNY, code=f"projects:foundation:{foundation.pk}",
                               name=f"社区基金会资金 {name}"[:200], group="projects:foundation")
    foundation.ledger_account_id = account.pk
    foundation.save(update_fields=["ledger_account_id"])
    return foundation


def _foundation_lock(foundation_id: Any) -> Foundation:
    if isinstance(foundation_id, bool) or not isinstance(foundation_id, int):
        raise ProjectError(E.INVALID, field="foundationId")
    foundation = (Foundation.objects.select_for_update(of=("self",)).select_related("region")
                  .filter(pk=foundation_id).first())
    if foundation is None:
        raise ProjectError(E.NOT_FOUND, field="foundationId")
    return foundation


@transaction.atomic
def foundation_fund_deposit(*, actor: User, foundation_id: int, amount_fen: int, idempotency_key: str,
                            memo: str = "") -> FoundationDeposit:
    """Put grant budget into the foundation's fund: a ledger transfer external income → foundation account.

    Administrators at the foundation's region or above only (PERMISSION_DENIED). A retry with the same key
    returns the first deposit; the same key with another amount or memo is IDEMPOTENCY_MISMATCH.
    """
    amount_fen = check_fen(amount_fen, field="amountFen")
    key = check_key(idempotency_key)
    memo = text(memo, field="memo", max_length=500)
    foundation = _foundation_lock(foundation_id)
    if not access.has_role(actor, Role.ADMINISTRATOR, foundation.region):
        raise ProjectError(E.PERMISSION_DENIED)
    if existing := FoundationDeposit.objects.filter(foundation=foundation, idempotency_key=key).first():
        if (existing.amount_fen, existing.memo) != (amount_fen, memo):
            raise ProjectError(E.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    deposit = FoundationDeposit.objects.create(foundation=foundation, amount_fen=amount_fen, memo=memo,
                                               idempotency_key=key, created_by=actor)
    deposit.ledger_transfer_id = cny_transfer(
        client_id=f"projects:deposit:{deposit.pk}", debit_account_id=external_income_account_id(),
        credit_account_id=int(foundation.ledger_account_id or 0), amount=amount_fen, code="projects.deposit",
        memo={"foundation": foundation.pk, "deposit": deposit.pk},
    )
    deposit.save(update_fields=["ledger_transfer_id"])
    return deposit


@dataclass(frozen=True)
class CriterionInput:
    code: str
    name: str
    weight: int
    max_score: int
    description: str = ""


@transaction.atomic
def criteria_publish(*, actor: User, foundation_id: int, name: str, criteria: list[CriterionInput]) -> CriteriaSet:
    """Publish the foundation's scoring criteria (weights and integer maximum scores). The previous set stays
    attached to the reviews made with it; new reviews use this one."""
    name = text(name, field="name", max_length=100, required=True)
    foundation = _foundation_lock(foundation_id)
    if not can_manage_foundation(actor, foundation):
        raise ProjectError(E.PERMISSION_DENIED)
    if not criteria:
        raise ProjectError(E.REQUIRED, field="criteria")
    if len(criteria) > 20:
        raise ProjectError(E.OUT_OF_RANGE, field="criteria")
    codes: set[str] = set()
    for c in criteria:
        if not isinstance(c.code, str) or not _CODE.match(c.code) or c.code in codes:
            raise ProjectError(E.INVALID, field="criteria.code")
        codes.add(c.code)
        text(c.name, field="criteria.name", max_length=100, required=True)
        text(c.description, field="criteria.description", max_length=500)
        for value, field in ((c.weight, "criteria.weight"), (c.max_score, "criteria.maxScore")):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
                raise ProjectError(E.OUT_OF_RANGE, field=field)
    CriteriaSet.objects.filter(foundation=foundation, active=True).update(active=False)
    criteria_set = CriteriaSet.objects.create(foundation=foundation, name=name, published_by=actor)
    Criterion.objects.bulk_create([
        Criterion(criteria_set=criteria_set, code=c.code, name=c.name.strip(),
                  description=(c.description or "").strip(), weight=c.weight, max_score=c.max_score, position=i)
        for i, c in enumerate(criteria)
    ])
    return criteria_set


@transaction.atomic
def organisation_create(*, actor: User, name: str, kind: str, region_id: int | None = None,
                        workstation_id: int | None = None, credit_code: str = "",
                        manager_id: int | None = None) -> Organisation:
    """Register an applying organisation: a social organisation working in a region, or a workstation (its
    region is the workstation's). Workstation staff or administrators of the region only. The manager (by
    default the actor) becomes its first member."""
    name = text(name, field="name", max_length=100, required=True)
    credit_code = text(credit_code, field="creditCode", max_length=18)
    if kind not in Organisation.Kind.values:
        raise ProjectError(E.INVALID, field="kind")
    workstation = None
    if kind == Organisation.Kind.WORKSTATION:
        if isinstance(workstation_id, bool) or not isinstance(workstation_id, int):
            raise ProjectError(E.REQUIRED, field="workstationId")
        workstation = Workstation.objects.select_related("region").filter(pk=workstation_id).first()
        if workstation is None:
            raise ProjectError(E.NOT_FOUND, field="workstationId")
        region = workstation.region
    else:
        region = _region(region_id)
    if not access.has_role(actor, ORG_ADMIN_ROLES, region):
        raise ProjectError(E.PERMISSION_DENIED)
    manager = _user(manager_id, "managerId") if manager_id is not None else actor
    if Organisation.objects.filter(name=name).exists() or (
            workstation is not None and Organisation.objects.filter(workstation=workstation).exists()):
        raise ProjectError(E.CONFLICT, field="name")
    organisation = Organisation.objects.create(name=name, kind=kind, region=region, workstation=workstation,
                                               credit_code=credit_code, created_by=actor)
    OrganisationMember.objects.create(organisation=organisation, user=manager, role=OrganisationMember.Role.MANAGER,
                                      added_by=actor)
    forget_memberships(manager)
    return organisation


@transaction.atomic
def organisation_member_add(*, actor: User, organisation_id: int, user_id: int | None = None,
                            email: str | None = None,
                            role: str = OrganisationMember.Role.MEMBER) -> OrganisationMember:
    """Add a member (or manager), named by user id or by the email they signed up with: the organisation's
    managers, or staff / administrators of its region. The email is looked up only after the permission check,
    so nobody else can probe which addresses are registered. Adding a member again sets their role."""
    if isinstance(organisation_id, bool) or not isinstance(organisation_id, int):
        raise ProjectError(E.INVALID, field="organisationId")
    organisation = Organisation.objects.select_related("region").filter(pk=organisation_id).first()
    if organisation is None:
        raise ProjectError(E.NOT_FOUND, field="organisationId")
    if not (is_manager(actor, organisation.pk) or access.has_role(actor, ORG_ADMIN_ROLES, organisation.region)):
        raise ProjectError(E.PERMISSION_DENIED)
    if role not in OrganisationMember.Role.values:
        raise ProjectError(E.INVALID, field="role")
    user = _user(user_id) if user_id is not None else _user_by_email(email)
    try:
        with transaction.atomic():
            member, created = OrganisationMember.objects.get_or_create(
                organisation=organisation, user=user, defaults={"role": role, "added_by": actor})
    except IntegrityError:
        raise ProjectError(E.CONFLICT) from None
    if not created and member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    forget_memberships(user)
    return member
