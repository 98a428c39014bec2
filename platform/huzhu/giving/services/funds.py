"""Funds on the CNY ledger: one ledger account per earmark; holding and disbursing money to needs and projects.

Accounts (ledger CNY, amounts in fen):
    giving:clearing:<channel>    online / cash / bank_transfer: debited by every gift (may go below zero)
    giving:fund:<earmark key>    credited by gifts, debited by disbursements and refunds (never below zero)
    giving:used:need:<id>        where money paid to a household need ends up
    giving:used:project:<id>     where money paid to a charity project ends up

Earmarks are honoured twice: `fund_allows` refuses a target outside the earmark, and money can only leave a
fund account the gift was credited to, whose balance the ledger keeps from going negative.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from huzhu.core.errors import check_text
from huzhu.giving.errors import GivingError, GivingErrorCode
from huzhu.giving.models import Disbursement, Donation, DonationAllocation, DonationTraceEvent, Fund
from huzhu.giving.targets import NeedInfo, ProjectInfo, need_info, project_info
from huzhu.giving.taxonomy import NeedCategory
from huzhu.people import access
from huzhu.people.models import Role, User
from huzhu.regions.models import Region
from ledger import api

from .trace import trace_add

CLEARING_CHANNELS = ("online", "cash", "bank_transfer")


@dataclass(frozen=True)
class Earmark:
    """What a donor gives for; at most one field set (none: the general fund)."""

    project_id: int | None = None
    category: str | None = None
    region_id: int | None = None
    need_id: int | None = None


def _ledger_error(exc: api.LedgerError) -> GivingError:
    if exc.code in ("EXCEEDS_CREDITS", "EXCEEDS_CREDIT_LIMIT"):
        return GivingError(GivingErrorCode.INSUFFICIENT_FUNDS)
    if exc.code == "IDEMPOTENCY_MISMATCH":
        return GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH)
    if exc.code == "AMOUNT_INVALID":
        return GivingError(GivingErrorCode.INVALID_AMOUNT)
    return GivingError(GivingErrorCode.CONFLICT, str(exc.message))


def ledger_transfer(**fields: object) -> int:
    """One CNY transfer in the caller's transaction; returns its id. A refusal becomes a typed GivingError."""
    try:
        result = api.transfer(ledger=api.Ledger.CNY, **fields)
    except api.LedgerError as exc:
        raise _ledger_error(exc)
    assert result.transfer_id is not None
    return int(result.transfer_id)


def clearing_account_id(channel: str) -> int:
    if channel not in CLEARING_CHANNELS:
        raise ValueError(channel)
    names = {"online": "在线支付清算", "cash": "现金收款清算", "bank_transfer": "银行转账清算"}
    account = api.account_open(
        ledger=api.Ledger.CNY, code=f"giving:clearing:{channel}", name=names[channel], group="giving:clearing",
        debits_must_not_exceed_credits=False,
    )
    return int(account.pk)


def used_account_id(*, need_id: int | None = None, project_id: int | None = None) -> int:
    if need_id is not None:
        code, name = f"giving:used:need:{need_id}", f"已拨付:需求 #{need_id}"
    else:
        code, name = f"giving:used:project:{project_id}", f"已拨付:项目 #{project_id}"
    account = api.account_open(ledger=api.Ledger.CNY, code=code, name=name, group="giving:used")
    return int(account.pk)


def _fund(key: str, **fields: object) -> Fund:
    fund = Fund.objects.filter(key=key).first()
    if fund is not None:
        return fund
    account = api.account_open(ledger=api.Ledger.CNY, code=f"giving:fund:{key}", name=f"慈善资金 {key}",
                               group="giving:fund")
    # get_or_create: two first gifts to the same new earmark race to create the row; the ledger account
    # itself is opened idempotently by code.
    fund, _ = Fund.objects.get_or_create(key=key, defaults={**fields, "ledger_account_id": account.pk})
    return fund


def general_fund() -> Fund:
    return _fund("general", kind=Fund.Kind.GENERAL)


def fund_for_earmark(earmark: Earmark | None) -> Fund:
    """The fund of an earmark, created on first use. Raises EARMARK_INVALID for a target that does not exist,
    no longer takes gifts, or when more than one target is given."""
    if earmark is None:
        return general_fund()
    given = [v for v in (earmark.project_id, earmark.category, earmark.region_id, earmark.need_id) if v not in
             (None, "")]
    if not given:
        return general_fund()
    if len(given) > 1:
        raise GivingError(GivingErrorCode.EARMARK_INVALID, field="earmark")
    if earmark.project_id is not None:
        project = project_info(earmark.project_id)
        if project is None or not project.accepts_donations:
            raise GivingError(GivingErrorCode.EARMARK_INVALID, field="earmarkProjectId")
        return _fund(f"project:{project.id}", kind=Fund.Kind.PROJECT, project_id=project.id)
    if earmark.category:
        if earmark.category not in NeedCategory.values:
            raise GivingError(GivingErrorCode.EARMARK_INVALID, field="earmarkCategory")
        return _fund(f"category:{earmark.category}", kind=Fund.Kind.CATEGORY, category=earmark.category)
    if earmark.region_id is not None:
        region = Region.objects.filter(pk=earmark.region_id,
                                       level__in=[Region.Level.STREET, Region.Level.COMMUNITY]).first()
        if region is None:
            raise GivingError(GivingErrorCode.EARMARK_INVALID, field="earmarkRegionId")
        return _fund(f"region:{region.pk}", kind=Fund.Kind.REGION, region=region)
    need = need_info(earmark.need_id)
    if need is None or need.kind != "money" or need.status not in ("open", "proposed", "matched"):
        raise GivingError(GivingErrorCode.EARMARK_INVALID, field="earmarkNeedId")
    return _fund(f"need:{need.id}", kind=Fund.Kind.NEED, need_id=need.id)


def fund_allows(fund: Fund, *, need: NeedInfo | None = None, project: ProjectInfo | None = None) -> bool:
    """Whether the fund's earmark lets its money go to this need or project."""
    if fund.kind == Fund.Kind.GENERAL:
        return need is not None or project is not None
    if fund.kind == Fund.Kind.PROJECT:
        return project is not None and project.id == fund.project_id
    if fund.kind == Fund.Kind.NEED:
        return need is not None and need.id == fund.need_id
    if fund.kind == Fund.Kind.CATEGORY:
        if need is not None:
            return fund.category in need.categories
        return project is not None and fund.category in project.categories
    if fund.kind == Fund.Kind.REGION:
        assert fund.region is not None
        region = need.region if need is not None else (project.region if project is not None else None)
        return region is not None and region.path.startswith(fund.region.path)
    return False


def fund_available(fund: Fund) -> int:
    """Fen of the fund not yet held or disbursed (the ledger's available balance)."""
    return int(api.balance(fund.ledger_account_id).available)


def donation_free_fen(donation: Donation) -> int:
    """What of this gift is still in its fund: given − refunded − held or disbursed for needs and projects."""
    allocated = (
        DonationAllocation.objects.filter(donation=donation)
        .exclude(disbursement__status=Disbursement.Status.RELEASED)
        .aggregate(s=Sum("amount_fen"))["s"] or 0
    )
    return donation.amount_fen - donation.refunded_fen - donation.refund_unposted_fen - allocated


def _allocate(disbursement: Disbursement) -> list[DonationAllocation]:
    """Draw the disbursement on the fund's gifts, oldest first: the trace tells each donor where it went."""
    free = (
        Donation.objects.filter(fund=disbursement.fund, status=Donation.Status.SUCCEEDED)
        .annotate(allocated=Sum("allocations__amount_fen",
                                filter=~Q(allocations__disbursement__status=Disbursement.Status.RELEASED)))
        .order_by("succeeded_at", "id")
    )
    remaining = disbursement.amount_fen
    rows = []
    for donation in free.iterator():
        if remaining <= 0:
            break
        left = donation.amount_fen - donation.refunded_fen - donation.refund_unposted_fen - (donation.allocated or 0)
        if left <= 0:
            continue
        take = min(left, remaining)
        rows.append(DonationAllocation(donation=donation, disbursement=disbursement, amount_fen=take))
        remaining -= take
    # Anything not covered by a recorded gift (cannot happen while every credit to a fund is a gift) stays
    # unattributed rather than failing the disbursement.
    return DonationAllocation.objects.bulk_create(rows)


def _check_actor(actor: User | None, *, need: NeedInfo | None, project: ProjectInfo | None) -> None:
    if actor is None:  # a trusted caller: a background job or another app's service acting for the system
        return
    if need is not None and access.has_role(actor, [Role.WORKSTATION_STAFF, Role.ADMINISTRATOR], need.region):
        return
    if project is not None and access.has_role(
        actor, [Role.ADMINISTRATOR, Role.FOUNDATION_REVIEWER], project.region
    ):
        return
    raise GivingError(GivingErrorCode.PERMISSION_DENIED)


def _target(need_id: int | None, project_id: int | None) -> tuple[NeedInfo | None, ProjectInfo | None]:
    if (need_id is None) == (project_id is None):
        raise GivingError(GivingErrorCode.INVALID, field="needId")
    if need_id is not None:
        need = need_info(need_id)
        if need is None:
            raise GivingError(GivingErrorCode.NOT_FOUND, field="needId")
        return need, None
    project = project_info(project_id)
    if project is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="projectId")
    return None, project


def _trace_allocations(disbursement: Disbursement, stage: str, *, need: NeedInfo | None,
                       project: ProjectInfo | None, detail: str = "") -> None:
    for allocation in disbursement.allocations.select_related("donation"):
        trace_add(
            stage=stage, donation=allocation.donation, community=need.community if need else None,
            need_id=disbursement.need_id, project_id=disbursement.project_id,
            beneficiary=need.label if need else (project.name if project else ""), amount_fen=allocation.amount_fen,
            detail=detail,
        )


def _existing(idempotency_key: str, *, fund: Fund, need_id: int | None, project_id: int | None,
              amount_fen: int) -> Disbursement | None:
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if (existing.fund_id, existing.need_id, existing.project_id, existing.amount_fen) != (
        fund.pk, need_id, project_id, amount_fen
    ):
        raise GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
    return existing


def _lock_fund(fund_account_id: int) -> Fund:
    fund = (Fund.objects.select_for_update(of=("self",)).select_related("region")
            .filter(ledger_account_id=fund_account_id).first())
    if fund is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="fundAccount")
    return fund


def _check_amount(amount_fen: int) -> int:
    from huzhu.core.errors import MAX_FEN

    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= MAX_FEN:
        raise GivingError(GivingErrorCode.INVALID_AMOUNT, field="amountFen")
    return amount_fen


@transaction.atomic
def fund_hold(
    *, actor: User | None, fund_account: int, amount_fen: int, need_id: int | None = None,
    project_id: int | None = None, idempotency_key: str, memo: str = "",
) -> Disbursement:
    """Hold `amount_fen` of a fund (by its ledger account id) for a need or a project: a pending ledger
    transfer, so the money can no longer be held twice, disbursed elsewhere or refunded.

    Raises EARMARK_MISMATCH when the fund's earmark does not cover the target, INSUFFICIENT_FUNDS when the
    fund's available balance is short, PERMISSION_DENIED when the actor is not staff over the need's region
    (or administrator / foundation reviewer for a project). actor=None is a trusted system call.
    A retry with the same idempotency key returns the first hold.
    """
    amount_fen = _check_amount(amount_fen)
    idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=120, required=True)
    fund = _lock_fund(fund_account)
    if existing := _existing(idempotency_key, fund=fund, need_id=need_id, project_id=project_id,
                             amount_fen=amount_fen):
        return existing
    need, project = _target(need_id, project_id)
    _check_actor(actor, need=need, project=project)
    if not fund_allows(fund, need=need, project=project):
        raise GivingError(GivingErrorCode.EARMARK_MISMATCH)
    disbursement = Disbursement.objects.create(
        fund=fund, need_id=need_id, project_id=project_id, amount_fen=amount_fen,
        region=need.community if need else (project.region if project else None),
        status=Disbursement.Status.HELD, idempotency_key=idempotency_key, memo=memo[:500], created_by=actor,
    )
    disbursement.hold_transfer_id = ledger_transfer(
        client_id=f"giving:hold:{disbursement.pk}", debit_account_id=fund.ledger_account_id,
        credit_account_id=used_account_id(need_id=need_id, project_id=project_id), amount=amount_fen,
        pending=True, code="giving.hold", memo={"disbursement": disbursement.pk},
    )
    disbursement.save(update_fields=["hold_transfer_id"])
    _allocate(disbursement)
    _trace_allocations(disbursement, DonationTraceEvent.Stage.MATCHED, need=need, project=project)
    return disbursement


@transaction.atomic
def fund_release(*, actor: User | None, disbursement_id: int, reason: str = "") -> Disbursement:
    """Give a held amount back to its fund (the match fell through): the pending transfer is voided."""
    disbursement = Disbursement.objects.select_for_update().filter(pk=disbursement_id).first()
    if disbursement is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="disbursementId")
    need, project = _target(disbursement.need_id, disbursement.project_id)
    _check_actor(actor, need=need, project=project)
    if disbursement.status == Disbursement.Status.RELEASED:
        return disbursement
    if disbursement.status != Disbursement.Status.HELD:
        raise GivingError(GivingErrorCode.WRONG_STATE)
    try:
        api.void_pending(client_id=f"giving:release:{disbursement.pk}",
                         pending_id=int(disbursement.hold_transfer_id or 0))
    except api.LedgerError as exc:
        raise _ledger_error(exc)
    disbursement.status = Disbursement.Status.RELEASED
    disbursement.released_at = timezone.now()
    disbursement.save(update_fields=["status", "released_at"])
    _trace_allocations(disbursement, DonationTraceEvent.Stage.RELEASED, need=need, project=project,
                       detail=check_text(reason, field="reason", max_length=500))
    return disbursement


@transaction.atomic
def fund_disburse(
    *, actor: User | None, fund_account: int | None = None, amount_fen: int | None = None,
    need_id: int | None = None, project_id: int | None = None, idempotency_key: str,
    hold_id: int | None = None, memo: str = "",
) -> Disbursement:
    """Pay money out of a fund to a need or a project.

    Either post an earlier hold (`hold_id`: the Disbursement returned by fund_hold), or pay directly
    (`fund_account`, `amount_fen` and `need_id` or `project_id`), which holds and posts in one step. Same
    errors as fund_hold. A retry with the same idempotency key (or of an already posted hold) returns the row.
    """
    if hold_id is None:
        if fund_account is None or amount_fen is None:
            raise GivingError(GivingErrorCode.REQUIRED, field="fundAccount")
        disbursement = fund_hold(actor=actor, fund_account=fund_account, amount_fen=amount_fen, need_id=need_id,
                                 project_id=project_id, idempotency_key=idempotency_key, memo=memo)
    else:
        held = Disbursement.objects.select_for_update().filter(pk=hold_id).first()
        if held is None:
            raise GivingError(GivingErrorCode.NOT_FOUND, field="holdId")
        disbursement = held
    need, project = _target(disbursement.need_id, disbursement.project_id)
    _check_actor(actor, need=need, project=project)
    if disbursement.status == Disbursement.Status.DISBURSED:
        return disbursement
    if disbursement.status != Disbursement.Status.HELD:
        raise GivingError(GivingErrorCode.WRONG_STATE)
    try:
        result = api.post_pending(client_id=f"giving:disburse:{disbursement.pk}",
                                  pending_id=int(disbursement.hold_transfer_id or 0))
    except api.LedgerError as exc:
        raise _ledger_error(exc)
    disbursement.ledger_transfer_id = result.transfer_id
    disbursement.status = Disbursement.Status.DISBURSED
    disbursement.disbursed_at = timezone.now()
    disbursement.save(update_fields=["ledger_transfer_id", "status", "disbursed_at"])
    _trace_allocations(disbursement, DonationTraceEvent.Stage.DISPATCHED, need=need, project=project)
    return disbursement


@transaction.atomic
def disbursement_mark_used(*, actor: User | None, disbursement_id: int, note: str = "") -> Disbursement:
    """The household or project confirmed the money was used: the trace's last step for these gifts."""
    disbursement = Disbursement.objects.select_for_update().filter(pk=disbursement_id).first()
    if disbursement is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="disbursementId")
    need, project = _target(disbursement.need_id, disbursement.project_id)
    _check_actor(actor, need=need, project=project)
    if disbursement.status != Disbursement.Status.DISBURSED:
        raise GivingError(GivingErrorCode.WRONG_STATE)
    if not DonationTraceEvent.objects.filter(
        donation__allocations__disbursement=disbursement, stage=DonationTraceEvent.Stage.DELIVERED,
        need_id=disbursement.need_id, project_id=disbursement.project_id,
    ).exists():
        _trace_allocations(disbursement, DonationTraceEvent.Stage.DELIVERED, need=need, project=project,
                           detail=check_text(note, field="note", max_length=500))
    return disbursement
