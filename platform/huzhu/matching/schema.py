"""GraphQL for matching: the review queue with explanations, decisions, rounds and the rules. Thin: it calls
selectors and services; the list primes its rows with one select_related query per page."""

from __future__ import annotations

import json
from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphene import relay
from graphene_django import DjangoObjectType
from graphene_django.fields import DjangoConnectionField

from huzhu.core.errors import ServiceError
from huzhu.giving.taxonomy import ITEMS_BY_KEY
from huzhu.graphql.core import (
    BaseMutation,
    CountableConnection,
    decode_id,
    enum_from_choices,
    error_type,
    require_login,
)
from huzhu.graphql.scalars import Fen
from huzhu.households.schema.types import NeedType, query_error
from huzhu.regions.schema import get_region

from . import rounds, selectors, services
from .errors import MatchingErrorCode
from .models import MatchingRules, MatchProposal, MatchRound, SupplyKind
from .scoring import DEFAULT_WEIGHTS, explain

MatchStatusEnum = enum_from_choices("MatchProposalStatus", MatchProposal.Status)
SupplyKindEnum = enum_from_choices("SupplyKind", SupplyKind)
MatchingErrorCodeEnum = enum_from_choices("MatchingErrorCode", MatchingErrorCode)
MatchingError = error_type("MatchingError", MatchingErrorCodeEnum)


class ScoreComponent(graphene.ObjectType):
    code = graphene.String(required=True)
    points = graphene.Int(required=True)
    params = graphene.JSONString(required=True)
    label = graphene.String(required=True, description="The component in the request's language.")

    def resolve_label(root: dict[str, Any], _info: Any) -> str:
        return explain([root]).rsplit(" ", 1)[0]


class MatchProposalType(DjangoObjectType):
    status = graphene.Field(MatchStatusEnum, required=True)
    supply_kind = graphene.Field(SupplyKindEnum, required=True)
    supply_label = graphene.String(required=True)
    amount_fen = graphene.Field(Fen)
    components = graphene.List(graphene.NonNull(ScoreComponent), required=True)
    explanation = graphene.String(required=True)
    need = graphene.Field(NeedType, required=True)
    region_name = graphene.String(required=True)
    reviewer_name = graphene.String()

    class Meta:
        model = MatchProposal
        name = "MatchProposal"
        fields = ("id", "score", "quantity", "minutes", "source", "reason", "decided_at", "created_at", "task_id")
        interfaces = (relay.Node,)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        from huzhu.people.access import region_filter

        return queryset.filter(region_filter(info.context.user, selectors.VIEW_ROLES))

    def resolve_status(root: MatchProposal, _info: Any) -> str:
        return str(getattr(root.status, "value", root.status))  # a TextChoices member after a service set it

    def resolve_supply_kind(root: MatchProposal, _info: Any) -> str:
        return str(getattr(root.supply_kind, "value", root.supply_kind))

    def resolve_supply_label(root: MatchProposal, _info: Any) -> str:
        if root.supply_kind == "goods":
            item = ITEMS_BY_KEY.get(root.item_key)
            where = root.workstation.name if root.workstation else ""
            return f"{item.name if item else root.item_key} × {root.quantity} · {where}"
        if root.supply_kind == "money":
            return _("基金账户 %(account)s") % {"account": root.fund_account}
        pledge = root.pledge
        return (pledge.organisation_name or _("居民服务认捐")) if pledge else root.supply_key

    def resolve_components(root: MatchProposal, _info: Any) -> list[dict[str, Any]]:
        return list(root.components or [])

    def resolve_explanation(root: MatchProposal, _info: Any) -> str:
        return explain(list(root.components or []))

    def resolve_region_name(root: MatchProposal, _info: Any) -> str:
        return root.region.name

    def resolve_reviewer_name(root: MatchProposal, _info: Any) -> str | None:
        return str(root.reviewer) if root.reviewer_id else None


class MatchRoundType(DjangoObjectType):
    timings_ms = graphene.JSONString(required=True)

    class Meta:
        model = MatchRound
        name = "MatchRound"
        fields = ("id", "region", "status", "started_at", "finished_at", "needs", "supplies", "arcs", "proposed",
                  "total_score", "greedy_score", "error")
        interfaces = (relay.Node,)
        connection_class = CountableConnection


class MatchingRulesType(graphene.ObjectType):
    weights = graphene.JSONString(required=True, description="Every weight, defaults filled in.")
    monthly_cap_per_household = graphene.Int(required=True)
    top_k = graphene.Int(required=True)

    def resolve_weights(root: MatchingRules, _info: Any) -> dict[str, int]:
        return {**DEFAULT_WEIGHTS, **(root.weights or {})}


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


class Query(graphene.ObjectType):
    match_proposals = DjangoConnectionField(
        MatchProposalType, required=True, status=MatchStatusEnum(), supply_kind=SupplyKindEnum(),
        region_id=graphene.ID(), description="The review queue of the caller's area: urgent and best first.",
    )
    match_proposal = graphene.Field(MatchProposalType, id=graphene.ID(required=True))
    match_rounds = DjangoConnectionField(MatchRoundType, required=True)
    matching_rules = graphene.Field(MatchingRulesType, required=True)

    def resolve_match_proposals(root: Any, info: Any, status: Any = None, supply_kind: Any = None,
                                region_id: str | None = None, **_: Any) -> Any:
        user = require_login(info)
        try:
            rid = decode_id(region_id, "Region", field="regionId") if region_id else None
        except ServiceError as exc:
            raise query_error(exc)
        return selectors.proposal_list(actor=user, status=_value(status), supply_kind=_value(supply_kind),
                                       region_id=rid)

    def resolve_match_proposal(root: Any, info: Any, id: str) -> Any:
        user = require_login(info)
        try:
            return selectors.proposal_get(actor=user, proposal_id=decode_id(id, "MatchProposal"))
        except ServiceError:
            return None

    def resolve_match_rounds(root: Any, info: Any, **_: Any) -> Any:
        return selectors.round_list(actor=require_login(info))

    def resolve_matching_rules(root: Any, info: Any) -> Any:
        require_login(info)
        return services.rules_get()


def _proposal_id(value: str) -> int:
    return decode_id(value, "MatchProposal", field="proposalId")


class MatchProposalAccept(BaseMutation):
    class Arguments:
        proposal_id = graphene.ID(required=True)

    proposal = graphene.Field(MatchProposalType)
    errors = graphene.List(graphene.NonNull(MatchingError), required=True)

    @classmethod
    def perform(cls, info: Any, *, proposal_id: str) -> Any:
        return cls(proposal=services.proposal_accept(actor=info.context.user, proposal_id=_proposal_id(proposal_id)),
                   errors=[])


class MatchProposalReject(BaseMutation):
    class Arguments:
        proposal_id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    proposal = graphene.Field(MatchProposalType)
    next_proposal = graphene.Field(MatchProposalType, description="The need's next candidate, proposed at once.")
    errors = graphene.List(graphene.NonNull(MatchingError), required=True)

    @classmethod
    def perform(cls, info: Any, *, proposal_id: str, reason: str) -> Any:
        proposal, following = services.proposal_reject(actor=info.context.user,
                                                        proposal_id=_proposal_id(proposal_id), reason=reason)
        return cls(proposal=proposal, next_proposal=following, errors=[])


class MatchProposalDispatch(BaseMutation):
    class Arguments:
        proposal_id = graphene.ID(required=True)

    proposal = graphene.Field(MatchProposalType)
    errors = graphene.List(graphene.NonNull(MatchingError), required=True)

    @classmethod
    def perform(cls, info: Any, *, proposal_id: str) -> Any:
        return cls(proposal=services.proposal_dispatch(actor=info.context.user,
                                                       proposal_id=_proposal_id(proposal_id)), errors=[])


class MatchProposalDeliver(BaseMutation):
    class Arguments:
        proposal_id = graphene.ID(required=True)
        note = graphene.String()

    proposal = graphene.Field(MatchProposalType)
    errors = graphene.List(graphene.NonNull(MatchingError), required=True)

    @classmethod
    def perform(cls, info: Any, *, proposal_id: str, note: str = "") -> Any:
        return cls(proposal=services.proposal_deliver(actor=info.context.user, proposal_id=_proposal_id(proposal_id),
                                                      note=note), errors=[])


class MatchRoundRun(BaseMutation):
    class Arguments:
        region_id = graphene.ID(required=True)

    round = graphene.Field(MatchRoundType)
    errors = graphene.List(graphene.NonNull(MatchingError), required=True)

    @classmethod
    def perform(cls, info: Any, *, region_id: str) -> Any:
        region = get_region(region_id, "regionId")
        return cls(round=rounds.match_round(actor=info.context.user, region=region), errors=[])


class MatchingRulesUpdate(BaseMutation):
    class Arguments:
        weights = graphene.JSONString()
        monthly_cap_per_household = graphene.Int()
        top_k = graphene.Int()

    rules = graphene.Field(MatchingRulesType)
    errors = graphene.List(graphene.NonNull(MatchingError), required=True)

    @classmethod
    def perform(cls, info: Any, *, weights: Any = None, monthly_cap_per_household: int | None = None,
                top_k: int | None = None) -> Any:
        if isinstance(weights, str):
            weights = json.loads(weights)
        if weights is not None and not isinstance(weights, dict):
            raise ServiceError(MatchingErrorCode.INVALID, field="weights")
        return cls(rules=services.rules_update(actor=info.context.user, weights=weights,
                                               monthly_cap_per_household=monthly_cap_per_household, top_k=top_k),
                   errors=[])


class Mutation(graphene.ObjectType):
    match_proposal_accept = MatchProposalAccept.Field()
    match_proposal_reject = MatchProposalReject.Field()
    match_proposal_dispatch = MatchProposalDispatch.Field()
    match_proposal_deliver = MatchProposalDeliver.Field()
    match_round_run = MatchRoundRun.Field()
    matching_rules_update = MatchingRulesUpdate.Field()
