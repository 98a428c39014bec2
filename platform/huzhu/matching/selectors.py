"""Reads of matching, scoped: workstation staff see the proposals of their area, administrators all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from huzhu.people import access
from huzhu.people.models import Role, User

from .models import MatchProposal, MatchRound

VIEW_ROLES = (Role.WORKSTATION_STAFF, Role.ADMINISTRATOR, Role.SOCIAL_WORKER)


def proposal_list(*, actor: User, status: str | None = None, supply_kind: str | None = None,
                  region_id: int | None = None) -> QuerySet[MatchProposal]:
    """Proposals in the actor's area, urgent and high scores first (the review queue order)."""
    qs = MatchProposal.objects.filter(access.region_filter(actor, VIEW_ROLES))
    if status:
        qs = qs.filter(status=status)
    if supply_kind:
        qs = qs.filter(supply_kind=supply_kind)
    if region_id is not None:
        from huzhu.regions.models import Region

        region = Region.objects.filter(pk=region_id).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    return (qs.select_related("region", "need", "need__household", "workstation", "pledge")
            .order_by("-need__urgent", "-score", "created_at", "id"))


def proposal_get(*, actor: User, proposal_id: int) -> MatchProposal | None:
    return proposal_list(actor=actor).filter(pk=proposal_id).first()


def round_list(*, actor: User) -> QuerySet[MatchRound]:
    return (MatchRound.objects.filter(access.region_filter(actor, (Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)))
            .select_related("region").order_by("-started_at", "-id"))


def explanation_of(proposal: MatchProposal) -> list[dict[str, Any]]:
    return list(proposal.components or [])
