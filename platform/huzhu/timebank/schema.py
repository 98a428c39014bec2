"""GraphQL for the time bank: my balance, history and certificate; give, redeem, cancel, link; staff views.

Thin: parse ids, call a selector or a service, map errors. Minutes travel as Int (32-bit is ample: the
largest amount a service accepts is MAX_MINUTES = 10^7).
"""

from __future__ import annotations

from typing import Any

import graphene
from graphene_django import DjangoConnectionField, DjangoObjectType

from huzhu.core.errors import ServiceError
from huzhu.graphql.core import (
    BaseMutation,
    CountableConnection,
    decode_id,
    enum_from_choices,
    error_type,
    require_login,
)
from huzhu.people import access
from huzhu.people.models import User
from huzhu.regions.models import Region
from huzhu.regions.schema import RegionType
from ledger.models import Entry

from . import selectors, services
from .certificates import verify_url
from .errors import TimeBankError, TimeBankErrorCode, from_service_error
from .models import Certificate, Gift, PoolAllotment, Redemption, TimeBankLink, TimeBankMember, TimeBankRules
from .rules import rules_get

TimeBankErrorCodeEnum = enum_from_choices("TimeBankErrorCode", TimeBankErrorCode)
TimeBankErrorType = error_type("TimeBankError", TimeBankErrorCodeEnum)
RedemptionStatusEnum = enum_from_choices("TimeBankRedemptionStatus", Redemption.Status)
LinkStatusEnum = enum_from_choices("TimeBankLinkStatus", TimeBankLink.Status)


def _errors_field() -> graphene.List:
    return graphene.List(graphene.NonNull(TimeBankErrorType), required=True)


class TimeBankMutation(BaseMutation):
    """BaseMutation whose errors always carry a TimeBankErrorCode (core errors are mapped by code)."""

    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root: Any, info: Any, **arguments: Any) -> Any:
        require_login(info)
        try:
            return cls.perform(info, **arguments)
        except ServiceError as exc:
            err = exc if isinstance(exc, TimeBankError) else from_service_error(exc)
            return cls(errors=[{"field": err.field, "code": err.code, "message": err.message}])


# --- lookups (scoped: what the actor may not see is NOT_FOUND) -------------------------------------------


def _member(info: Any, global_id: str, field: str) -> TimeBankMember:
    member = selectors.member_get(actor=info.context.user, member_id=decode_id(global_id, "TimeBankMember",
                                                                                field=field))
    if member is None:
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field=field)
    return member


def _region(global_id: str, field: str) -> Region:
    region = Region.objects.filter(pk=decode_id(global_id, "Region", field=field)).first()
    if region is None:
        raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field=field)
    return region


def _scoped_node(visible: Any) -> Any:
    """get_node for a relay type: a global id fetch goes through the same scoped selector as the lists, so an
    id the actor may not see resolves to null exactly like one that does not exist."""

    @classmethod  # type: ignore[misc]
    def get_node(cls: Any, info: Any, id: Any) -> Any:  # noqa: A002 - graphene's signature
        user = info.context.user
        if not getattr(user, "is_authenticated", False) or not str(id).isdigit():
            return None
        return visible(user).filter(pk=int(id)).first()

    return get_node


# --- types ------------------------------------------------------------------------------------------------


class TimeBankMemberType(DjangoObjectType):
    class Meta:
        model = TimeBankMember
        name = "TimeBankMember"
        fields = ("id", "display_name", "birth_year", "lives_alone", "disabled", "minimum_living", "hardship",
                  "region", "street", "created_at")
        interfaces = (graphene.relay.Node,)

    region = graphene.Field(RegionType, required=True)
    street = graphene.Field(RegionType, required=True)
    has_user = graphene.Boolean(required=True, description="False for an elder registered by staff (代办).")
    # Age and circumstances: for the member themselves and frontline staff of their region; null for a linked
    # relative or friend, who sees the name only.
    birth_year = graphene.Int()
    lives_alone = graphene.Boolean()
    disabled = graphene.Boolean()
    minimum_living = graphene.Boolean()
    hardship = graphene.Boolean()

    def resolve_has_user(root: TimeBankMember, _info: Any) -> bool:
        return root.user_id is not None

    @staticmethod
    def _private(root: TimeBankMember, info: Any, name: str) -> Any:
        user = info.context.user
        if root.user_id == user.pk or access.has_role(user, services.FRONTLINE, root.region):
            return getattr(root, name)
        return None

    def resolve_birth_year(root: TimeBankMember, info: Any) -> Any:
        return TimeBankMemberType._private(root, info, "birth_year")

    def resolve_lives_alone(root: TimeBankMember, info: Any) -> Any:
        return TimeBankMemberType._private(root, info, "lives_alone")

    def resolve_disabled(root: TimeBankMember, info: Any) -> Any:
        return TimeBankMemberType._private(root, info, "disabled")

    def resolve_minimum_living(root: TimeBankMember, info: Any) -> Any:
        return TimeBankMemberType._private(root, info, "minimum_living")

    def resolve_hardship(root: TimeBankMember, info: Any) -> Any:
        return TimeBankMemberType._private(root, info, "hardship")

    get_node = _scoped_node(lambda user: selectors.member_visible(actor=user))


class MyTimeBankType(graphene.ObjectType):
    class Meta:
        name = "MyTimeBank"

    member = graphene.Field(TimeBankMemberType, required=True)
    balance_minutes = graphene.Int(required=True, description="Posted balance.")
    available_minutes = graphene.Int(required=True, description="Balance minus minutes held for redemptions.")
    earned_minutes = graphene.Int(required=True, description="Cumulative confirmed service (for stars).")
    stars = graphene.Int(required=True)
    next_star_at = graphene.Int(description="Earned minutes needed for the next star; null at the top.")


class TimeBankHistoryEntryType(DjangoObjectType):
    """One line of the statement: what a ledger transfer did to my account."""

    class Meta:
        model = Entry
        name = "TimeBankHistoryEntry"
        fields = ("id",)
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    minutes = graphene.Int(required=True, description="Change of the posted balance (+ in, − out).")
    held_minutes = graphene.Int(required=True, description="Change of the minutes on hold (+ held, − released).")
    kind = graphene.String(required=True, description="tb_earn, tb_give, tb_pool_gift, tb_allot, tb_redeem, …")
    phase = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    organisation_name = graphene.String()
    service_date = graphene.String()

    def resolve_id(root: Entry, _info: Any) -> str:
        # An entry's primary key is (transfer, side): a tuple, which an ID cannot carry. "<transfer>-<0|1>".
        return f"{root.transfer_id}-{int(root.is_debit)}"

    def resolve_minutes(root: Entry, _info: Any) -> int:
        return -root.posted if root.is_debit else root.posted

    def resolve_held_minutes(root: Entry, _info: Any) -> int:
        return root.pending

    # ledger.api.account_history annotates each entry with its transfer's code, phase, memo and created_at.
    def resolve_kind(root: Entry, _info: Any) -> str:
        return root.code  # type: ignore[attr-defined]

    def resolve_phase(root: Entry, _info: Any) -> str:
        return root.phase  # type: ignore[attr-defined]

    def resolve_created_at(root: Entry, _info: Any) -> Any:
        return root.created_at  # type: ignore[attr-defined]

    def resolve_organisation_name(root: Entry, _info: Any) -> str | None:
        return (root.memo or {}).get("organisation")  # type: ignore[attr-defined]

    def resolve_service_date(root: Entry, _info: Any) -> str | None:
        return (root.memo or {}).get("service_date")  # type: ignore[attr-defined]

    @classmethod
    def get_node(cls, info: Any, id: Any) -> Any:  # noqa: A002 - graphene's signature
        user = info.context.user
        transfer, _, side = str(id).partition("-")
        if not getattr(user, "is_authenticated", False) or not transfer.isdigit() or side not in ("0", "1"):
            return None
        return selectors.my_history(actor=user).filter(transfer_id=int(transfer), is_debit=side == "1").first()


class TimeBankRedemptionType(DjangoObjectType):
    class Meta:
        model = Redemption
        name = "TimeBankRedemption"
        fields = ("id", "member", "service_type", "minutes", "region", "notes", "on_behalf", "task_id",
                  "created_at", "scheduled_at", "settled_at")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    status = graphene.Field(RedemptionStatusEnum, required=True)
    member = graphene.Field(TimeBankMemberType, required=True)
    region = graphene.Field(RegionType, required=True)

    def resolve_status(root: Redemption, _info: Any) -> str:
        return str(root.status)

    get_node = _scoped_node(lambda user: selectors.redemption_list(actor=user))


class TimeBankLinkType(DjangoObjectType):
    class Meta:
        model = TimeBankLink
        name = "TimeBankLink"
        fields = ("id", "from_member", "to_member", "relation", "created_at", "accepted_at")
        interfaces = (graphene.relay.Node,)

    status = graphene.Field(LinkStatusEnum, required=True)
    from_member = graphene.Field(TimeBankMemberType, required=True)
    to_member = graphene.Field(TimeBankMemberType, required=True)

    def resolve_status(root: TimeBankLink, _info: Any) -> str:
        return str(root.status)

    get_node = _scoped_node(lambda user: selectors.link_list(actor=user))


class TimeBankGiftType(DjangoObjectType):
    class Meta:
        model = Gift
        name = "TimeBankGift"
        fields = ("id", "from_member", "to_member", "to_pool_street", "minutes", "on_behalf", "created_at")
        interfaces = (graphene.relay.Node,)

    get_node = _scoped_node(lambda user: selectors.gift_list(actor=user))


class TimeBankPoolAllotmentType(DjangoObjectType):
    class Meta:
        model = PoolAllotment
        name = "TimeBankPoolAllotment"
        fields = ("id", "member", "minutes", "priority", "created_at")
        interfaces = (graphene.relay.Node,)

    priority = graphene.Int(required=True)

    get_node = _scoped_node(lambda user: selectors.allotment_list(actor=user))


class TimeBankRulesType(DjangoObjectType):
    class Meta:
        model = TimeBankRules
        name = "TimeBankRules"
        fields = tuple(services.RULE_FIELDS) + ("updated_at",)


class TimeBankStreetSummaryType(graphene.ObjectType):
    class Meta:
        name = "TimeBankStreetSummary"

    street = graphene.Field(RegionType, required=True)
    volunteers_balance_minutes = graphene.Int(required=True)
    volunteers_available_minutes = graphene.Int(required=True)
    members_balance_minutes = graphene.Int(required=True)
    pool_balance_minutes = graphene.Int(required=True)
    earned_minutes_this_year = graphene.Int(required=True)
    overflow_donated_minutes = graphene.Int(required=True)
    gifted_to_pool_minutes = graphene.Int(required=True)
    redemptions_open = graphene.Int(required=True)
    redemptions_delivered = graphene.Int(required=True)
    redemptions_cancelled = graphene.Int(required=True)
    minutes_held = graphene.Int(required=True)
    minutes_redeemed = graphene.Int(required=True)


class TimeBankCertificateType(DjangoObjectType):
    class Meta:
        model = Certificate
        name = "TimeBankCertificate"
        fields = ("id", "organisation_name", "total_minutes", "service_count", "issued_at")
        interfaces = (graphene.relay.Node,)

    pdf_url = graphene.String(required=True)
    verify_url = graphene.String(required=True)

    def resolve_pdf_url(root: Certificate, _info: Any) -> str:
        return f"/timebank/certificates/{root.pk}.pdf"

    def resolve_verify_url(root: Certificate, _info: Any) -> str:
        return verify_url(root)

    get_node = _scoped_node(lambda user: selectors.certificate_list(actor=user))


# --- queries ----------------------------------------------------------------------------------------------


class Query(graphene.ObjectType):
    my_time_bank = graphene.Field(MyTimeBankType, description="My time-bank account, or null before my first hour.")
    my_time_bank_history = DjangoConnectionField(TimeBankHistoryEntryType, description="My statement, newest first.")
    my_time_bank_links = graphene.List(graphene.NonNull(TimeBankLinkType), required=True)
    my_certificate_url = graphene.String(
        organisation_name=graphene.String(),
        description="URL of my 志愿服务记录证明 PDF (issued now if the ledger changed since the last one).",
    )
    time_bank_rules = graphene.Field(TimeBankRulesType, required=True)
    time_bank_street_summary = graphene.Field(
        TimeBankStreetSummaryType, street_id=graphene.ID(required=True),
        description="Staff and social workers of the street only; null otherwise.",
    )
    time_bank_redemptions = DjangoConnectionField(
        TimeBankRedemptionType, status=RedemptionStatusEnum(), street_id=graphene.ID(),
    )
    time_bank_members = graphene.List(graphene.NonNull(TimeBankMemberType), required=True,
                                      description="People I may act for (代办).")

    def resolve_my_time_bank(root: Any, info: Any) -> Any:
        require_login(info)
        return selectors.my_time_bank(actor=info.context.user)

    def resolve_my_time_bank_history(root: Any, info: Any, **_kwargs: Any) -> Any:
        require_login(info)
        return selectors.my_history(actor=info.context.user)

    def resolve_my_time_bank_links(root: Any, info: Any) -> Any:
        require_login(info)
        return selectors.link_list(actor=info.context.user)

    def resolve_my_certificate_url(root: Any, info: Any, organisation_name: str | None = None) -> str | None:
        require_login(info)
        try:
            certificate = services.certificate_issue(actor=info.context.user, organisation_name=organisation_name)
        except ServiceError:
            return None
        return f"/timebank/certificates/{certificate.pk}.pdf"

    def resolve_time_bank_rules(root: Any, info: Any) -> Any:
        require_login(info)
        return rules_get()

    def resolve_time_bank_street_summary(root: Any, info: Any, street_id: str) -> Any:
        require_login(info)
        try:
            street = _region(street_id, "streetId")
        except ServiceError:
            return None
        return selectors.street_summary(actor=info.context.user, street=street)

    def resolve_time_bank_redemptions(root: Any, info: Any, status: Any = None, street_id: str | None = None,
                                      **_kwargs: Any) -> Any:
        require_login(info)
        street = None
        if street_id:
            try:
                street = _region(street_id, "streetId")
            except ServiceError:
                return Redemption.objects.none()
        return selectors.redemption_list(actor=info.context.user, status=getattr(status, "value", status),
                                         street=street)

    def resolve_time_bank_members(root: Any, info: Any) -> Any:
        require_login(info)
        return selectors.member_list(actor=info.context.user).select_related("region", "street")


# --- mutations --------------------------------------------------------------------------------------------


class TimeBankGive(TimeBankMutation):
    class Arguments:
        minutes = graphene.Int(required=True)
        idempotency_key = graphene.String(required=True)
        to_member_id = graphene.ID(description="A linked relative or friend.")
        to_pool_street_id = graphene.ID(description="Or a street's community pool.")
        on_behalf_of_id = graphene.ID(description="Staff acting for a member (代办).")

    gift = graphene.Field(TimeBankGiftType)
    my_time_bank = graphene.Field(MyTimeBankType)
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, minutes: int, idempotency_key: str, to_member_id: str | None = None,
                to_pool_street_id: str | None = None, on_behalf_of_id: str | None = None) -> Any:
        actor = info.context.user
        on_behalf_of = _member(info, on_behalf_of_id, "onBehalfOfId") if on_behalf_of_id else None
        gift = services.timebank_give(
            actor=actor, minutes=minutes, idempotency_key=idempotency_key,
            to_member=_member(info, to_member_id, "toMemberId") if to_member_id else None,
            to_pool_street=_region(to_pool_street_id, "toPoolStreetId") if to_pool_street_id else None,
            on_behalf_of=on_behalf_of,
        )
        return cls(gift=gift, my_time_bank=selectors.summary_of(gift.from_member), errors=[])


class TimeBankRedeem(TimeBankMutation):
    class Arguments:
        service_type = graphene.String(required=True)
        minutes = graphene.Int(required=True)
        region_id = graphene.ID(required=True, description="Where the service is wanted (any street of the district).")
        idempotency_key = graphene.String(required=True)
        notes = graphene.String()
        on_behalf_of_id = graphene.ID()

    redemption = graphene.Field(TimeBankRedemptionType)
    my_time_bank = graphene.Field(MyTimeBankType)
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, service_type: str, minutes: int, region_id: str, idempotency_key: str,
                notes: str = "", on_behalf_of_id: str | None = None) -> Any:
        redemption = services.timebank_redeem(
            actor=info.context.user, service_type=service_type, minutes=minutes,
            region=_region(region_id, "regionId"), idempotency_key=idempotency_key, notes=notes or "",
            on_behalf_of=_member(info, on_behalf_of_id, "onBehalfOfId") if on_behalf_of_id else None,
        )
        return cls(redemption=redemption, my_time_bank=selectors.summary_of(redemption.member), errors=[])


class TimeBankRedemptionCancel(TimeBankMutation):
    class Arguments:
        redemption_id = graphene.ID(required=True)

    redemption = graphene.Field(TimeBankRedemptionType)
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, redemption_id: str) -> Any:
        redemption = services.redemption_cancel(
            actor=info.context.user,
            redemption_id=decode_id(redemption_id, "TimeBankRedemption", field="redemptionId"),
        )
        return cls(redemption=redemption, errors=[])


class TimeBankRedemptionSettle(TimeBankMutation):
    class Arguments:
        redemption_id = graphene.ID(required=True)
        delivered = graphene.Boolean(required=True)

    redemption = graphene.Field(TimeBankRedemptionType)
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, redemption_id: str, delivered: bool) -> Any:
        redemption = services.redemption_settle(
            actor=info.context.user, delivered=delivered,
            redemption_id=decode_id(redemption_id, "TimeBankRedemption", field="redemptionId"),
        )
        return cls(redemption=redemption, errors=[])


class TimeBankLinkRequest(TimeBankMutation):
    class Arguments:
        to_member_id = graphene.ID()
        email = graphene.String(description="Or the e-mail of a relative's or friend's user account.")
        relation = graphene.String()
        on_behalf_of_id = graphene.ID()

    link = graphene.Field(TimeBankLinkType)
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, to_member_id: str | None = None, email: str | None = None,
                relation: str = "", on_behalf_of_id: str | None = None) -> Any:
        actor = info.context.user
        on_behalf_of = _member(info, on_behalf_of_id, "onBehalfOfId") if on_behalf_of_id else None
        if to_member_id:
            to_member = _member(info, to_member_id, "toMemberId")
        elif email:
            user = User.objects.filter(email__iexact=email.strip()[:254]).first()
            if user is None:
                raise TimeBankError(TimeBankErrorCode.NOT_FOUND, field="email")
            requester = on_behalf_of or services.member_of_user(actor)
            to_member = services.member_for_user(user, street=requester.street if requester else None)
        else:
            raise TimeBankError(TimeBankErrorCode.REQUIRED, field="toMemberId")
        link = services.link_request(actor=actor, to_member=to_member, relation=relation or "",
                                     on_behalf_of=on_behalf_of)
        return cls(link=link, errors=[])


class TimeBankLinkAccept(TimeBankMutation):
    class Arguments:
        link_id = graphene.ID(required=True)

    link = graphene.Field(TimeBankLinkType)
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, link_id: str) -> Any:
        link = services.link_accept(actor=info.context.user,
                                    link_id=decode_id(link_id, "TimeBankLink", field="linkId"))
        return cls(link=link, errors=[])


class TimeBankRulesInput(graphene.InputObjectType):
    class Meta:
        name = "TimeBankRulesInput"

    storage_cap_minutes = graphene.Int()
    max_service_minutes = graphene.Int()
    star1_minutes = graphene.Int()
    star2_minutes = graphene.Int()
    star3_minutes = graphene.Int()
    star4_minutes = graphene.Int()
    star5_minutes = graphene.Int()
    yearly_give_cap_minutes = graphene.Int()
    redemption_age = graphene.Int()
    hardship_redemption_age = graphene.Int()
    max_redemption_minutes = graphene.Int()
    redemption_hold_days = graphene.Int()
    key_elder_age = graphene.Int()
    elder_min_age = graphene.Int()
    pool_allotment_minutes = graphene.Int()


class TimeBankRulesUpdate(TimeBankMutation):
    class Arguments:
        input = TimeBankRulesInput(required=True)

    rules = graphene.Field(TimeBankRulesType)
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, input: Any) -> Any:  # noqa: A002 - GraphQL's conventional name
        changes = {k: v for k, v in dict(input).items() if v is not None}
        return cls(rules=services.rules_update(actor=info.context.user, **changes), errors=[])


class TimeBankMemberRegister(TimeBankMutation):
    class Arguments:
        display_name = graphene.String(required=True)
        region_id = graphene.ID(required=True)
        birth_year = graphene.Int()
        lives_alone = graphene.Boolean()
        disabled = graphene.Boolean()
        minimum_living = graphene.Boolean()
        hardship = graphene.Boolean()
        household_id = graphene.Int()

    member = graphene.Field(TimeBankMemberType)
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, display_name: str, region_id: str, **flags: Any) -> Any:
        member = services.member_register(
            actor=info.context.user, display_name=display_name, region=_region(region_id, "regionId"),
            birth_year=flags.get("birth_year"), household_id=flags.get("household_id"),
            **{k: bool(flags.get(k)) for k in ("lives_alone", "disabled", "minimum_living", "hardship")},
        )
        return cls(member=member, errors=[])


class TimeBankPoolAllot(TimeBankMutation):
    class Arguments:
        street_id = graphene.ID(required=True)
        batch_key = graphene.String(required=True)
        minutes_each = graphene.Int()
        limit = graphene.Int()

    allotments = graphene.List(graphene.NonNull(TimeBankPoolAllotmentType))
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, street_id: str, batch_key: str, minutes_each: int | None = None,
                limit: int | None = None) -> Any:
        allotments = services.pool_allot(actor=info.context.user, street=_region(street_id, "streetId"),
                                         batch_key=batch_key, minutes_each=minutes_each, limit=limit)
        return cls(allotments=allotments, errors=[])


class TimeBankEarningReverse(TimeBankMutation):
    class Arguments:
        idempotency_key = graphene.String(required=True, description="The key the earning was credited with.")
        reason = graphene.String(required=True)

    ok = graphene.Boolean()
    errors = _errors_field()

    @classmethod
    def perform(cls, info: Any, *, idempotency_key: str, reason: str) -> Any:
        services.reverse_earning(idempotency_key=idempotency_key, actor=info.context.user, reason=reason)
        return cls(ok=True, errors=[])


class Mutation(graphene.ObjectType):
    time_bank_give = TimeBankGive.Field()
    time_bank_redeem = TimeBankRedeem.Field()
    time_bank_redemption_cancel = TimeBankRedemptionCancel.Field()
    time_bank_redemption_settle = TimeBankRedemptionSettle.Field()
    time_bank_link_request = TimeBankLinkRequest.Field()
    time_bank_link_accept = TimeBankLinkAccept.Field()
    time_bank_rules_update = TimeBankRulesUpdate.Field()
    time_bank_member_register = TimeBankMemberRegister.Field()
    time_bank_pool_allot = TimeBankPoolAllot.Field()
    time_bank_earning_reverse = TimeBankEarningReverse.Field()
