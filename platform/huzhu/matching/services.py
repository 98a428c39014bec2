"""Writes of matching: propose (online), accept, reject (→ next candidate), dispatch, deliver, rules.

Accepting reserves the supply in the same transaction through giving's and volunteering's services: a goods
match reserves stock (the stock row is locked there), a money match holds the fund in the ledger, a service
match creates the task. Two reviewers accepting two proposals that draw on the same last units: the second
reservation finds too little stock and the whole acceptance rolls back with SUPPLY_TAKEN.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import ServiceError, check_text
from huzhu.households.models import Need
from huzhu.households.services import need_set_status
from huzhu.people import access
from huzhu.people.models import Role, RoleGrant, User

from .candidates import Candidate, needs_for_goods, rules_get, supplies_for_need  # noqa: F401 (rules_get re-exported)
from .errors import MatchingError, MatchingErrorCode
from .models import MatchingRules, MatchProposal

E = MatchingErrorCode
REVIEW_ROLES = (Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)


def _publish_proposed(proposal: MatchProposal) -> None:
    try:
        from huzhu.realtime import events
    except ImportError:  # realtime is optional for matching's own logic
        return
    events.match_proposed(proposal_id=proposal.pk, region_path=proposal.region.path, need_id=proposal.need_id,
                          score=proposal.score)


def _publish_decided(proposal: MatchProposal) -> None:
    try:
        from huzhu.realtime import events
    except ImportError:
        return
    events.match_decided(proposal_id=proposal.pk, region_path=proposal.region.path, decision=proposal.status)


def _create_proposal(need: Need, candidate: Candidate, *, source: str = "online", round_id: int | None = None,
                     ) -> MatchProposal:
    proposal = MatchProposal(
        need=need, household_id=need.household_id, region=need.household.region,
        supply_kind=candidate.supply_kind, supply_key=candidate.supply_key,
        supply_region_path=candidate.supply_region_path, workstation_id=candidate.workstation_id,
        item_key=candidate.item_key, fund_account=candidate.fund_account, pledge_id=candidate.pledge_id,
        quantity=candidate.quantity, amount_fen=candidate.amount_fen, minutes=candidate.minutes,
        score=candidate.score, components=candidate.components, source=source, round_id=round_id,
    )
    proposal.save()
    if need.status == "open":
        need_set_status(actor=None, need=need, status="proposed", note=f"match:{proposal.pk}", allow=True)
    transaction.on_commit(lambda: _publish_proposed(proposal))
    return proposal


def _rejected_keys(need_id: int) -> set[str]:
    return set(MatchProposal.objects.filter(need_id=need_id, status="rejected").values_list("supply_key", flat=True))


@transaction.atomic
def propose_for_need(*, need_id: int, now: datetime | None = None) -> MatchProposal | None:
    """Propose the best supply for an open need that has no proposal yet (online matching).

    Returns None when the need is not open, already has a proposal, or nothing can meet it now (the next
    supply that appears, or the next round, will try again).
    """
    now = now or timezone.now()
    need = (Need.objects.select_for_update(of=("self",)).select_related("household__region")
            .filter(pk=need_id).first())
    if need is None or need.status != "open":
        return None
    if MatchProposal.objects.filter(need_id=need_id, status="proposed").exists():
        return None
    candidates = supplies_for_need(need, rules=rules_get(), now=now, exclude_keys=_rejected_keys(need_id), limit=1)
    if not candidates:
        return None
    return _create_proposal(need, candidates[0])


@transaction.atomic
def propose_for_goods_supply(*, workstation_id: int, item_key: str, now: datetime | None = None,
                             k: int | None = None) -> list[MatchProposal]:
    """A goods supply appeared (received into stock): propose it to its top-k open needs at once."""
    from huzhu.giving import selectors as giving_selectors
    from huzhu.people.models import Workstation

    now = now or timezone.now()
    rules = rules_get()
    workstation = Workstation.objects.select_related("region").get(pk=workstation_id)
    rows = giving_selectors.stock_rows(workstation=workstation, item_key=item_key)
    available = rows[0].available if rows else 0
    supply_key = f"goods:{workstation_id}:{item_key}"
    need_ids = needs_for_goods(workstation_region_path=workstation.region.path, item_key=item_key,
                               available=available, supply_key=supply_key, rules=rules, now=now,
                               k=k or rules.top_k)
    proposals = []
    for need in (Need.objects.select_for_update(of=("self",)).select_related("household__region")
                 .filter(pk__in=need_ids, status="open").order_by("id")):
        if MatchProposal.objects.filter(need_id=need.pk, status="proposed").exists():
            continue
        found = supplies_for_need(need, rules=rules, now=now, supply_key=supply_key, limit=1)
        if found:  # re-scored by the same Python rules, so the explanation sums exactly
            proposals.append(_create_proposal(need, found[0]))
    return proposals


def _proposal_for_review(actor: User, proposal_id: int) -> MatchProposal:
    proposal = (MatchProposal.objects.select_for_update(of=("self",)).select_related("region", "need__household")
                .filter(pk=proposal_id).first())
    if proposal is None or not access.has_role(actor, REVIEW_ROLES, proposal.region):
        raise MatchingError(E.NOT_FOUND)  # another area's proposal answers like one that does not exist
    return proposal


def _lead_social_worker(need: Need) -> User:
    path = need.household.region.path
    grants = (RoleGrant.objects.filter(role=Role.SOCIAL_WORKER).select_related("region", "user")
              .order_by("-region__depth", "user_id"))
    for grant in grants:
        if path.startswith(grant.region.path):
            return grant.user
    raise MatchingError(E.NO_SOCIAL_WORKER)


def _reserve(actor: User, proposal: MatchProposal, now: datetime) -> None:
    """Reserve the supply of an accepted proposal; a giving/volunteering error rolls the acceptance back."""
    from huzhu.giving import services as giving

    key = f"match:{proposal.pk}"
    try:
        if proposal.supply_kind == "goods":
            assert proposal.workstation_id is not None and proposal.quantity
            reservation = giving.stock_reserve(actor=actor, workstation_id=proposal.workstation_id,
                                               item_key=proposal.item_key, quantity=proposal.quantity,
                                               need_id=proposal.need_id, idempotency_key=key)
            proposal.reservation_id = reservation.pk
        elif proposal.supply_kind == "money":
            assert proposal.fund_account is not None and proposal.amount_fen
            hold = giving.fund_hold(actor=actor, fund_account=proposal.fund_account, amount_fen=proposal.amount_fen,
                                    need_id=proposal.need_id, idempotency_key=key, memo=key)
            proposal.disbursement_id = hold.pk
        else:
            from huzhu.volunteering.services import service_task_create

            need = proposal.need
            minutes = proposal.minutes or need.minutes or 60
            day = timezone.localdate(now) + timedelta(days=1)
            starts = timezone.make_aware(datetime.combine(day, time(9, 0)))
            task = service_task_create(
                actor=actor, title=_("%(service)s(匹配 #%(id)s)") % {"service": need.get_service_type_display(),
                                                                     "id": proposal.pk},
                service_type=need.service_type, region=None, starts_at=starts,
                ends_at=starts + timedelta(minutes=minutes), slots=1, lead=_lead_social_worker(need),
                need=need, open_now=True, now=now,
            )
            proposal.task_id = task.pk
    except ServiceError as exc:
        if exc.code in ("INSUFFICIENT_STOCK", "INSUFFICIENT_FUNDS"):
            raise MatchingError(E.SUPPLY_TAKEN)
        if exc.code == "EARMARK_MISMATCH":
            raise MatchingError(E.EARMARK_MISMATCH)
        raise


@transaction.atomic
def proposal_accept(*, actor: User, proposal_id: int, now: datetime | None = None) -> MatchProposal:
    """Accept a proposal: reserve its supply, mark the need matched, tell everyone after commit.

    Raises NOT_FOUND (not the actor's area), NOT_PROPOSED (decided already: a double click or a second
    reviewer), SUPPLY_TAKEN (another acceptance drew on the same supply first), FAIRNESS_CAP.
    """
    now = now or timezone.now()
    proposal = _proposal_for_review(actor, proposal_id)
    if proposal.status != MatchProposal.Status.PROPOSED:
        raise MatchingError(E.NOT_PROPOSED)
    from .candidates import help_counts

    rules = rules_get()
    _recent, this_month = help_counts([proposal.household_id], now=now).get(proposal.household_id, (0, 0))
    if this_month >= rules.monthly_cap_per_household:
        raise MatchingError(E.FAIRNESS_CAP)
    _reserve(actor, proposal, now)
    proposal.status = MatchProposal.Status.ACCEPTED
    proposal.reviewer, proposal.decided_at = actor, now
    proposal.save()
    need = Need.objects.get(pk=proposal.need_id)
    if need.status != "matched":  # creating a service task marks its need matched already
        need_set_status(actor=None, need=need, status="matched", note=f"match:{proposal.pk}", allow=True)
    transaction.on_commit(lambda: _publish_decided(proposal))
    return proposal


@transaction.atomic
def proposal_reject(*, actor: User, proposal_id: int, reason: str, now: datetime | None = None,
                    ) -> tuple[MatchProposal, MatchProposal | None]:
    """Reject with a reason; the need goes back to open and its next candidate is proposed at once."""
    now = now or timezone.now()
    reason = check_text(reason, field="reason", max_length=500)
    if not reason:
        raise MatchingError(E.REASON_REQUIRED, field="reason")
    proposal = _proposal_for_review(actor, proposal_id)
    if proposal.status != MatchProposal.Status.PROPOSED:
        raise MatchingError(E.NOT_PROPOSED)
    proposal.status = MatchProposal.Status.REJECTED
    proposal.reviewer, proposal.decided_at, proposal.reason = actor, now, reason
    proposal.save()
    need = Need.objects.select_related("household__region").get(pk=proposal.need_id)
    if need.status == "proposed":
        need_set_status(actor=None, need=need, status="open", note=f"match:{proposal.pk} rejected", allow=True)
    transaction.on_commit(lambda: _publish_decided(proposal))
    return proposal, propose_for_need(need_id=need.pk, now=now)


@transaction.atomic
def proposal_dispatch(*, actor: User, proposal_id: int) -> MatchProposal:
    """Goods leave the workstation (stock dispatched); money is paid out of the fund (the hold posts)."""
    from huzhu.giving import services as giving

    proposal = _proposal_for_review(actor, proposal_id)
    if proposal.status != MatchProposal.Status.ACCEPTED or proposal.supply_kind == "service":
        raise MatchingError(E.WRONG_STAGE)
    if proposal.supply_kind == "goods":
        assert proposal.reservation_id is not None
        giving.stock_dispatch(actor=actor, reservation_id=proposal.reservation_id)
    else:
        giving.fund_disburse(actor=actor, hold_id=proposal.disbursement_id, idempotency_key=f"match:{proposal.pk}:pay")
    proposal.status = MatchProposal.Status.DISPATCHED
    proposal.save(update_fields=["status"])
    transaction.on_commit(lambda: _publish_decided(proposal))
    return proposal


@transaction.atomic
def proposal_deliver(*, actor: User, proposal_id: int, note: str = "") -> MatchProposal:
    """Staff (or the household's social worker) confirm the goods or money arrived: the need is fulfilled."""
    from huzhu.giving import services as giving

    note = check_text(note, field="note", max_length=500)
    proposal = (MatchProposal.objects.select_for_update(of=("self",)).select_related("region", "need")
                .filter(pk=proposal_id).first())
    if proposal is None or not access.has_role(actor, [*REVIEW_ROLES, Role.SOCIAL_WORKER], proposal.region):
        raise MatchingError(E.NOT_FOUND)
    if proposal.status != MatchProposal.Status.DISPATCHED:
        raise MatchingError(E.WRONG_STAGE)
    if proposal.supply_kind == "goods":
        assert proposal.reservation_id is not None
        giving.stock_deliver(actor=None, reservation_id=proposal.reservation_id, note=note)
    else:
        assert proposal.disbursement_id is not None
        giving.disbursement_mark_used(actor=None, disbursement_id=proposal.disbursement_id, note=note)
    proposal.status = MatchProposal.Status.DELIVERED
    proposal.save(update_fields=["status"])
    need_set_status(actor=None, need=proposal.need, status="fulfilled", note=f"match:{proposal.pk}", allow=True)
    transaction.on_commit(lambda: _publish_decided(proposal))
    return proposal


@transaction.atomic
def rules_update(*, actor: User, weights: dict[str, int] | None = None, monthly_cap_per_household: int | None = None,
                 top_k: int | None = None) -> MatchingRules:
    """Administrators set the scoring weights (integers, −100..100) and the fairness cap."""
    from .scoring import DEFAULT_WEIGHTS

    if not access.has_role(actor, Role.ADMINISTRATOR):
        raise MatchingError(E.PERMISSION_DENIED)
    rules = MatchingRules.objects.select_for_update().get_or_create(pk=1)[0]
    if weights is not None:
        for key, value in weights.items():
            if key not in DEFAULT_WEIGHTS:
                raise MatchingError(E.INVALID, _("未知的权重:%(key)s") % {"key": key}, field="weights")
            if isinstance(value, bool) or not isinstance(value, int) or not -100 <= value <= 100:
                raise MatchingError(E.INVALID, _("权重必须是 −100 到 100 之间的整数。"), field="weights")
        rules.weights = {**(rules.weights or {}), **weights}
    if monthly_cap_per_household is not None:
        if not 1 <= monthly_cap_per_household <= 31:
            raise MatchingError(E.INVALID, field="monthlyCapPerHousehold")
        rules.monthly_cap_per_household = monthly_cap_per_household
    if top_k is not None:
        if not 1 <= top_k <= 50:
            raise MatchingError(E.INVALID, field="topK")
        rules.top_k = top_k
    rules.updated_by = actor
    rules.save()
    return rules


def safe_propose_for_need(need_id: int) -> Any:
    """Signal receiver helper: propose after a need opens; a race with another proposer is harmless."""
    try:
        return propose_for_need(need_id=need_id)
    except IntegrityError:  # the partial unique index: someone else proposed for this need first
        return None
