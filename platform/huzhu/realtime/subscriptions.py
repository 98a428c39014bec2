"""Subscription fields and their event types.

Each field is authorised with huzhu.people.access when the client subscribes AND again on every event, with
the process's cached grants (hub.GrantCache: dropped when a change of the user's access is announced on
commit, checked in the background otherwise): a role revoked mid-connection stops the stream at its next
event with an `error` message (code PERMISSION_DENIED). Event-level rules (a foundation-only proposal is not
shown to staff who are not reviewers, ...) skip the event silently instead.

Rule for every event type here: resolve from the event payload (a dict) only, never from info.context —
one execution result is shared by all local subscribers with the same document and variables.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphql import GraphQLError

from huzhu.graphql.core import gid
from huzhu.people import access
from huzhu.people.models import Role

from . import events
from .hub import Access, Listener, SlowConsumer, hub

# Who may follow what (administrators and superusers always may).
MATCH_STAFF_ROLES = (Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)
MATCH_FOUNDATION_ROLES = (Role.FOUNDATION_REVIEWER, Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)
MATCH_ANY_ROLES = (Role.WORKSTATION_STAFF, Role.FOUNDATION_REVIEWER, Role.ADMINISTRATOR)
TASK_ROLES = (Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)
STOCK_ROLES = (Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)


class Revoked(Exception):
    """The subscriber lost the right to this stream (role revoked, account deactivated)."""


# --- event types ---------------------------------------------------------------------------------------------


class TaskChangedEvent(graphene.ObjectType):
    class Meta:
        name = "TaskChangedEvent"

    task_id = graphene.ID(required=True)
    status = graphene.String(required=True)
    slots_left = graphene.Int(required=True)
    kind = graphene.String(required=True, description='What happened: "created", "claimed", "withdrawn", ...')

    def resolve_task_id(root: dict, _info: Any) -> str:
        return gid("ServiceTask", root["task_id"])  # the volunteering type's relay name


class MatchSubjectKind(graphene.Enum):
    """What a match event is about."""

    class Meta:
        name = "MatchSubjectKind"

    NEED = events.MATCH_NEED
    PROJECT_FUND = events.MATCH_PROJECT_FUND

    @property
    def description(self) -> str:
        if self == MatchSubjectKind.NEED:
            return 'A supply for a household need: proposalId is a "MatchProposal", needId a "Need" (staff).'
        return 'A fund for a charity project: proposalId is a "ProjectFundProposal", projectId a "CharityProject".'


def _match_kind(root: dict) -> str:
    # Events published before "kind" existed: a foundation event was always a project fund match.
    return root.get("kind") or (events.MATCH_PROJECT_FUND if root.get("for_foundation") else events.MATCH_NEED)


def _proposal_gid(root: dict) -> str:
    kind = _match_kind(root)
    return gid("ProjectFundProposal" if kind == events.MATCH_PROJECT_FUND else "MatchProposal", root["proposal_id"])


def _project_pk(root: dict) -> int | None:
    if _match_kind(root) != events.MATCH_PROJECT_FUND:
        return None
    return root.get("project_id", root.get("need_id"))  # older foundation events carried it as need_id


class MatchProposedEvent(graphene.ObjectType):
    """A proposed match. `kind` says what was matched, and the ids are typed accordingly: a household need
    (MatchProposal + Need) or a charity project's funding (ProjectFundProposal + CharityProject)."""

    class Meta:
        name = "MatchProposedEvent"

    kind = graphene.Field(MatchSubjectKind, required=True)
    proposal_id = graphene.ID(required=True, description='Relay id of a "MatchProposal" (kind NEED) or of a '
                                                         '"ProjectFundProposal" (kind PROJECT_FUND).')
    need_id = graphene.ID(description='Relay id of type "Need" (kind NEED; null otherwise).')
    project_id = graphene.ID(description='Relay id of type "CharityProject" (kind PROJECT_FUND; null otherwise).')
    score = graphene.Int(required=True)
    for_foundation = graphene.Boolean(required=True, description="Shown to foundation reviewers (kind PROJECT_FUND).")

    def resolve_kind(root: dict, _info: Any) -> str:
        return _match_kind(root)

    def resolve_proposal_id(root: dict, _info: Any) -> str:
        return _proposal_gid(root)

    def resolve_need_id(root: dict, _info: Any) -> str | None:
        if _match_kind(root) != events.MATCH_NEED or root.get("need_id") is None:
            return None
        return gid("Need", root["need_id"])

    def resolve_project_id(root: dict, _info: Any) -> str | None:
        pk = _project_pk(root)
        return gid("CharityProject", pk) if pk is not None else None

    def resolve_for_foundation(root: dict, _info: Any) -> bool:
        return _match_kind(root) == events.MATCH_PROJECT_FUND


class MatchDecidedEvent(graphene.ObjectType):
    """A decided match; `kind` and the typed ids as in MatchProposedEvent."""

    class Meta:
        name = "MatchDecidedEvent"

    kind = graphene.Field(MatchSubjectKind, required=True)
    proposal_id = graphene.ID(required=True, description='Relay id of a "MatchProposal" (kind NEED) or of a '
                                                         '"ProjectFundProposal" (kind PROJECT_FUND).')
    project_id = graphene.ID(description='Relay id of type "CharityProject" (kind PROJECT_FUND; null otherwise).')
    decision = graphene.String(required=True)
    for_foundation = graphene.Boolean(required=True)

    def resolve_kind(root: dict, _info: Any) -> str:
        return _match_kind(root)

    def resolve_proposal_id(root: dict, _info: Any) -> str:
        return _proposal_gid(root)

    def resolve_project_id(root: dict, _info: Any) -> str | None:
        pk = _project_pk(root)
        return gid("CharityProject", pk) if pk is not None else None

    def resolve_for_foundation(root: dict, _info: Any) -> bool:
        return _match_kind(root) == events.MATCH_PROJECT_FUND


class DonationTraceEvent(graphene.ObjectType):
    class Meta:
        name = "DonationTraceEvent"

    donation_id = graphene.ID(required=True)
    stage = graphene.String(required=True)
    at = graphene.String(required=True, description="ISO 8601 time of the stage.")
    detail = graphene.String(required=True)

    def resolve_donation_id(root: dict, _info: Any) -> str:
        return gid("Donation", root["donation_id"])


class LedgerBalanceEvent(graphene.ObjectType):
    class Meta:
        name = "LedgerBalanceEvent"

    balance_minutes = graphene.Int(required=True)
    available_minutes = graphene.Int(required=True)
    earned_minutes = graphene.Int(required=True)
    stars = graphene.Int(required=True)


class StockChangedEvent(graphene.ObjectType):
    class Meta:
        name = "StockChangedEvent"

    workstation_id = graphene.ID(required=True)
    item = graphene.String(required=True)
    on_hand = graphene.Int(required=True)

    def resolve_workstation_id(root: dict, _info: Any) -> str:
        return gid("Workstation", root["workstation_id"])


class NotificationEvent(graphene.ObjectType):
    """A notification arrived (kind "created", with `notification`) or some were read (kind "read")."""

    class Meta:
        name = "NotificationEvent"

    kind = graphene.String(required=True)
    notification = graphene.Field("huzhu.realtime.schema.NotificationType")
    unread_count = graphene.Int(required=True)

    def resolve_kind(root: dict, _info: Any) -> str:
        return "read" if root.get("kind") == "read" else "created"

    def resolve_notification(root: dict, _info: Any) -> Any:
        if root.get("kind") == "read" or not root.get("notification_id"):
            return None
        from django.utils.dateparse import parse_datetime

        from .models import Notification

        # An unsaved instance built from the payload: no query per subscriber.
        return Notification(
            id=root["notification_id"], user_id=0, kind=root["kind"], title=root["title"], body=root["body"],
            link=root["link"], data=root.get("data") or {}, created_at=parse_datetime(root["created_at"]),  # type: ignore[misc]
            read_at=None,
        )


# --- the source stream of one subscription ----------------------------------------------------------------


Check = Callable[[Access, dict[str, Any]], bool]


@dataclass
class Rule:
    """`still_allowed(access)`: may the user keep this stream (False → Revoked);
    `wants(access, message)`: should this particular event be shown to them."""

    still_allowed: Callable[[Access], bool]
    wants: Check = lambda _access, _message: True


class EventStream:
    """The async iterator graphql-core receives from a subscribe resolver; yields channel-layer messages."""

    def __init__(self, user_id: int, groups: list[str], rule: Rule) -> None:
        self.user_id = user_id
        self.listener = Listener(groups=groups)
        self.rule = rule
        self._hub = hub()
        self._closed = False
        self._allowed_by: Access | None = None  # the grants entry that last passed rule.still_allowed

    async def start(self) -> EventStream:
        self._hub.grants.hold(self.user_id)
        await self._hub.add(self.listener)
        return self

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while True:
            if self._closed:
                raise StopAsyncIteration
            if self.listener.overflowed:
                raise SlowConsumer()
            message = await self.listener.queue.get()
            current = await self._hub.grants.get(self.user_id)
            if current is not self._allowed_by:
                # An Access entry's grants never change (a re-read or an announced change makes a new entry), so
                # the stream-level check runs once per entry, not once per event.
                if not current.is_active or not self.rule.still_allowed(current):
                    raise Revoked()
                self._allowed_by = current
            if self.rule.wants(current, message):
                return message

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._hub.grants.release(self.user_id)
            await self._hub.remove(self.listener)


def _login(info: Any) -> Any:
    user = info.context.user
    if not getattr(user, "is_authenticated", False):
        raise GraphQLError(_("请先登录。"), extensions={"code": "UNAUTHENTICATED"})
    return user


def _denied() -> GraphQLError:
    return GraphQLError(_("您没有执行此操作的权限。"), extensions={"code": "PERMISSION_DENIED"})


def _not_found(field: str) -> GraphQLError:
    return GraphQLError(_("找不到该对象,或您无权查看。"), extensions={"code": "NOT_FOUND", "field": field})


def _decode(global_id: str, type_name: str, field: str) -> int:
    from huzhu.core.errors import ServiceError
    from huzhu.graphql.core import decode_id

    try:
        return decode_id(global_id, type_name, field=field)
    except ServiceError:
        raise _not_found(field)


REGION_CACHE_SECONDS = 30.0
_region_paths: dict[int, tuple[str | None, float]] = {}


async def _region_path(region_pk: int) -> str | None:
    """The region's path, cached for 30 s per process: a thousand clients subscribing to a few regions make a
    few queries, not a thousand. (A region moved meanwhile is followed at its old path until resubscribed.)"""
    found = _region_paths.get(region_pk)
    if found is not None and time.monotonic() - found[1] < REGION_CACHE_SECONDS:
        return found[0]
    path = await hub().db(_load_region_path, region_pk)
    _region_paths[region_pk] = (path, time.monotonic())
    if len(_region_paths) > 100000:
        _region_paths.clear()
    return path


def _load_region_path(region_pk: int) -> str | None:
    from huzhu.regions.models import Region

    return Region.objects.filter(pk=region_pk).values_list("path", flat=True).first()


def _workstation_path(workstation_pk: int) -> str | None:
    from huzhu.people.models import Workstation

    return Workstation.objects.filter(pk=workstation_pk).values_list("region__path", flat=True).first()


def _holds(roles: Any, path: str) -> Callable[[Access], bool]:
    return lambda current: access.has_role_at_path(current.as_user(), roles, path)


async def _stream(info: Any, topic_groups: list[str], rule: Rule, *, check_now: bool = True) -> EventStream:
    user = _login(info)
    current = await hub().grants.get(user.pk)
    if check_now and (not current.is_active or not rule.still_allowed(current)):
        raise _denied()
    return await EventStream(user.pk, topic_groups, rule).start()


async def _region_stream(info: Any, topic: str, region_id: str, roles: Any, wants: Check | None = None) -> Any:
    _login(info)
    path = await _region_path(_decode(region_id, "Region", "regionId"))
    if path is None:
        raise _not_found("regionId")
    rule = Rule(still_allowed=_holds(roles, path))
    if wants is not None:
        rule.wants = wants
    return await _stream(info, [events.region_group(topic, path)], rule)


def _match_wants(current: Access, message: dict[str, Any]) -> bool:
    fund = _match_kind(message["payload"]) == events.MATCH_PROJECT_FUND
    roles = MATCH_FOUNDATION_ROLES if fund else MATCH_STAFF_ROLES
    return access.has_role_at_path(current.as_user(), roles, message.get("region_path") or "")


# --- the Subscription root mixin ------------------------------------------------------------------------------


class Subscription(graphene.ObjectType):
    task_changed = graphene.Field(
        TaskChangedEvent, required=True, region_id=graphene.ID(required=True),
        description="Tasks changing in a region and below it (volunteers, social workers and staff of the region).",
    )
    match_proposed = graphene.Field(
        MatchProposedEvent, required=True, region_id=graphene.ID(required=True),
        description="New match proposals in a region (workstation staff; foundation reviewers for fund matches).",
    )
    match_decided = graphene.Field(MatchDecidedEvent, required=True, region_id=graphene.ID(required=True))
    my_notifications = graphene.Field(NotificationEvent, required=True)
    donation_trace = graphene.Field(
        DonationTraceEvent, required=True, donation_id=graphene.ID(),
        description="Stages of the viewer's own donations (of one, with donationId).",
    )
    ledger_balance = graphene.Field(LedgerBalanceEvent, required=True, description="The viewer's time-bank balance.")
    stock_changed = graphene.Field(StockChangedEvent, required=True, workstation_id=graphene.ID(required=True))

    async def subscribe_task_changed(root: Any, info: Any, region_id: str) -> Any:
        return await _region_stream(info, events.TASK_CHANGED, region_id, TASK_ROLES)

    async def subscribe_match_proposed(root: Any, info: Any, region_id: str) -> Any:
        return await _region_stream(info, events.MATCH_PROPOSED, region_id, MATCH_ANY_ROLES, _match_wants)

    async def subscribe_match_decided(root: Any, info: Any, region_id: str) -> Any:
        return await _region_stream(info, events.MATCH_DECIDED, region_id, MATCH_ANY_ROLES, _match_wants)

    async def subscribe_my_notifications(root: Any, info: Any) -> Any:
        user = _login(info)
        return await _stream(info, [events.user_group(events.NOTIFICATION, user.pk)], Rule(lambda _c: True))

    async def subscribe_donation_trace(root: Any, info: Any, donation_id: str | None = None) -> Any:
        user = _login(info)
        wanted = _decode(donation_id, "Donation", "donationId") if donation_id else None
        # By construction: only the donor's own user group is listened to, so another donor's gift never
        # arrives whatever id is asked for.
        rule = Rule(
            still_allowed=lambda _c: True,
            wants=lambda _c, m: wanted is None or m["payload"].get("donation_id") == wanted,
        )
        return await _stream(info, [events.user_group(events.DONATION_TRACE, user.pk)], rule)

    async def subscribe_ledger_balance(root: Any, info: Any) -> Any:
        user = _login(info)
        return await _stream(info, [events.user_group(events.LEDGER_BALANCE, user.pk)], Rule(lambda _c: True))

    async def subscribe_stock_changed(root: Any, info: Any, workstation_id: str) -> Any:
        _login(info)
        pk = _decode(workstation_id, "Workstation", "workstationId")
        path = await hub().db(_workstation_path, pk)
        if path is None:
            raise _not_found("workstationId")
        rule = Rule(still_allowed=_holds(STOCK_ROLES, path))
        return await _stream(info, [events.object_group(events.STOCK_CHANGED, f"Workstation.{pk}")], rule)


__all__ = ["Subscription", "Revoked", "SlowConsumer", "EventStream"]
