"""GraphQL types of the households app: the full view for frontline staff, the anonymised view for everyone.

The anonymised types (PublicNeed, AnonymisedHousehold) are separate types with a whitelist of fields, so a
personal field or the free-text description cannot reach a donor or volunteer by construction: there is no
field to ask for. Personal data has its own type, HouseholdPersonalData, returned only by the audited
`householdPersonalData` query; no list field ever decrypts anything.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.utils import formats
from django.utils.translation import gettext as _
from graphene import relay
from graphene_django import DjangoObjectType
from graphql import GraphQLError

from huzhu.core.errors import CommonErrorCode, ServiceError
from huzhu.graphql.core import CountableConnection, enum_from_choices, error_type, gid
from huzhu.graphql.scalars import Fen
from huzhu.people.access import region_filter
from huzhu.people.schema import WorkstationType  # noqa: F401  (registers the Workstation type for the FK)
from huzhu.regions.schema import RegionType

from .. import selectors
from ..errors import HouseholdErrorCode
from ..models import (
    AgeBand,
    Category,
    DuplicateFlag,
    EconomicCheckStatus,
    GoodsCategory,
    Household,
    Need,
    NeedKind,
    NeedStatus,
    NeedStatusChange,
    Relation,
    ServiceType,
    Sex,
    Tag,
    Visit,
)

HouseholdErrorCodeEnum = graphene.Enum(
    "HouseholdErrorCode",
    [(c, c) for c in dict.fromkeys([*CommonErrorCode.values, *HouseholdErrorCode.values])],
)
HouseholdError = error_type("HouseholdError", HouseholdErrorCodeEnum)
CategoryEnum = enum_from_choices("HouseholdCategory", Category)
TagEnum = enum_from_choices("HouseholdTag", Tag)
AgeBandEnum = enum_from_choices("HouseholdAgeBand", AgeBand)
SexEnum = enum_from_choices("HouseholdMemberSex", Sex)
RelationEnum = enum_from_choices("HouseholdRelation", Relation)
EconomicCheckStatusEnum = enum_from_choices("EconomicCheckStatus", EconomicCheckStatus)
NeedKindEnum = enum_from_choices("NeedKind", NeedKind)
NeedStatusEnum = enum_from_choices("NeedStatus", NeedStatus)
GoodsCategoryEnum = enum_from_choices("NeedGoodsCategory", GoodsCategory)
ServiceTypeEnum = enum_from_choices("NeedServiceType", ServiceType)
PersonalDataFieldEnum = graphene.Enum(
    "PersonalDataField",
    [("HEAD_NAME", "head_name"), ("ID_NUMBER", "id_number"), ("PHONE", "phone"), ("ADDRESS", "address"),
     ("MEMBER_NAMES", "member_names")],
)
HouseholdOrderByEnum = graphene.Enum(
    "HouseholdOrderBy",
    [("CREATED_AT_DESC", "-created_at"), ("CREATED_AT_ASC", "created_at"), ("UPDATED_AT_DESC", "-updated_at"),
     ("NEXT_CHECK_DUE_ASC", "next_check_due"), ("LAST_VISITED_ASC", "last_visited_at"),
     ("URGENT_FIRST", "-has_open_urgent_need")],
)
NeedOrderByEnum = graphene.Enum(
    "NeedOrderBy",
    [("URGENT_FIRST", "-urgent"), ("OPENED_AT_ASC", "opened_at"), ("OPENED_AT_DESC", "-opened_at"),
     ("CREATED_AT_DESC", "-created_at"), ("AMOUNT_DESC", "-amount_fen")],
)


def enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


def query_error(exc: ServiceError) -> GraphQLError:
    """A ServiceError raised while resolving a query, as a top-level error with its code and field."""
    return GraphQLError(exc.message, extensions={"code": exc.code, "field": exc.field})


class HouseholdMemberType(graphene.ObjectType):
    """A member without name or any personal data (names: householdPersonalData)."""

    class Meta:
        name = "HouseholdMember"

    position = graphene.Int(required=True)
    relation = graphene.Field(RelationEnum, required=True)
    age_band = graphene.Field(AgeBandEnum, required=True)
    sex = graphene.Field(SexEnum, required=True)
    tags = graphene.List(graphene.NonNull(TagEnum), required=True)


class NeedStatusChangeType(graphene.ObjectType):
    class Meta:
        name = "NeedStatusChange"

    from_status = graphene.Field(NeedStatusEnum, description="Null for the need's creation.")
    to_status = graphene.Field(NeedStatusEnum, required=True)
    at = graphene.DateTime(required=True)
    actor_name = graphene.String()
    note = graphene.String(required=True)

    def resolve_from_status(root: NeedStatusChange, _info: Any) -> str | None:
        return root.from_status or None

    def resolve_actor_name(root: NeedStatusChange, _info: Any) -> str | None:
        return str(root.actor) if root.actor_id else None


class VisitType(graphene.ObjectType):
    class Meta:
        name = "Visit"

    id = graphene.ID(required=True)
    visited_at = graphene.DateTime(required=True)
    visitor_name = graphene.String(required=True)
    notes = graphene.String(required=True)

    def resolve_id(root: Visit, _info: Any) -> str:
        return gid("Visit", root.pk)

    visitor_id = graphene.ID(required=True, description="Pass as visitorId to list this person's visits.")
    recorded_by_me = graphene.Boolean(required=True)
    household_id = graphene.ID(required=True, description="The Household's id (the household page).")
    household_category = graphene.Field(CategoryEnum, required=True)
    community_name = graphene.String(required=True)

    def resolve_visitor_name(root: Visit, _info: Any) -> str:
        return root.visitor.display_name or root.visitor.email

    def resolve_visitor_id(root: Visit, _info: Any) -> str:
        return gid("User", root.visitor_id)

    def resolve_recorded_by_me(root: Visit, info: Any) -> bool:
        return root.visitor_id == info.context.user.pk

    def resolve_household_id(root: Visit, _info: Any) -> str:
        return gid("Household", root.household_id)

    def resolve_household_category(root: Visit, _info: Any) -> str:
        return root.household.category

    def resolve_community_name(root: Visit, _info: Any) -> str:
        return selectors.community_of(root.household.region).name


class VisitConnection(CountableConnection):
    """Visit records, newest first; built from a selectors.VisitPage (see queries.visit_connection)."""

    class Meta:
        node = VisitType


class DuplicateFlagType(graphene.ObjectType):
    """Another street registered the same head ID number: which street and when — nothing else of theirs."""

    class Meta:
        name = "HouseholdDuplicateFlag"

    street_name = graphene.String(required=True)
    registered_on = graphene.Date(required=True)
    message = graphene.String(required=True)

    def resolve_street_name(root: DuplicateFlag, _info: Any) -> str:
        return root.other_street.name

    def resolve_registered_on(root: DuplicateFlag, _info: Any) -> Any:
        return root.other_registered_on

    def resolve_message(root: DuplicateFlag, _info: Any) -> str:
        return _("可能重复救助:已于 %(date)s 在%(street)s登记。") % {
            "date": formats.date_format(root.other_registered_on, "Y-m-d"), "street": root.other_street.name,
        }


def _members(household: Household) -> list[Any]:
    return list(household.members.all())


def _head_age_band(household: Household) -> str | None:
    return next((m.age_band for m in _members(household) if m.relation == Relation.HEAD), None)


class NeedType(DjangoObjectType):
    """A need in full (staff view): with its free-text description and status history."""

    kind = graphene.Field(NeedKindEnum, required=True)
    amount_fen = graphene.Field(Fen)
    goods_category = graphene.Field(GoodsCategoryEnum)
    service_type = graphene.Field(ServiceTypeEnum)
    status = graphene.Field(NeedStatusEnum, required=True)
    household = graphene.Field(lambda: HouseholdType, required=True)
    history = graphene.List(graphene.NonNull(NeedStatusChangeType), required=True)

    class Meta:
        model = Need
        name = "Need"
        fields = ("id", "goods_item", "quantity", "minutes", "urgent", "description", "created_at", "opened_at",
                  "updated_at")
        interfaces = (relay.Node,)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        # Defence in depth: any path that lists or fetches Need objects (a foreign key from another app's type,
        # relay's node field) is scoped like the selectors.
        return queryset.filter(region_filter(info.context.user, selectors.FRONTLINE_ROLES, "household__region"))

    def resolve_goods_category(root: Need, _info: Any) -> str | None:
        return root.goods_category or None

    def resolve_service_type(root: Need, _info: Any) -> str | None:
        return root.service_type or None

    def resolve_household(root: Need, _info: Any) -> Household:
        return root.household

    def resolve_history(root: Need, _info: Any) -> Any:
        return root.history.all()


class HouseholdType(DjangoObjectType):
    """A household in full, for workstation staff, social workers and administrators of its area.
    No personal data: ask householdPersonalData (audited) for names, ID number, phone and address."""

    category = graphene.Field(CategoryEnum, required=True)
    tags = graphene.List(graphene.NonNull(TagEnum), required=True)
    economic_check_status = graphene.Field(EconomicCheckStatusEnum, required=True)
    community = graphene.Field(RegionType, required=True)
    members = graphene.List(graphene.NonNull(HouseholdMemberType), required=True)
    member_count = graphene.Int(required=True)
    head_age_band = graphene.Field(AgeBandEnum)
    needs = graphene.List(graphene.NonNull(NeedType), required=True, status=graphene.List(graphene.NonNull(
        NeedStatusEnum)))
    last_visited_at = graphene.DateTime()
    duplicate_flags = graphene.List(graphene.NonNull(DuplicateFlagType), required=True)

    class Meta:
        model = Household
        name = "Household"
        fields = ("id", "region", "registered_by", "checked_at", "next_check_due", "possible_duplicate",
                  "created_at", "updated_at")
        interfaces = (relay.Node,)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        return queryset.filter(region_filter(info.context.user, selectors.FRONTLINE_ROLES))

    def resolve_community(root: Household, _info: Any) -> Any:
        return selectors.community_of(root.region)

    def resolve_members(root: Household, _info: Any) -> list[Any]:
        return _members(root)

    def resolve_member_count(root: Household, _info: Any) -> int:
        return len(_members(root))

    def resolve_head_age_band(root: Household, _info: Any) -> str | None:
        return _head_age_band(root)

    def resolve_needs(root: Household, _info: Any, status: list[Any] | None = None) -> list[Need]:
        wanted = {enum_value(s) for s in status} if status else None
        return [n for n in root.needs.all() if wanted is None or n.status in wanted]

    def resolve_last_visited_at(root: Household, _info: Any) -> Any:
        if hasattr(root, "last_visited_at"):
            return root.last_visited_at
        last = root.visits.order_by("-visited_at").first()
        return last.visited_at if last else None

    def resolve_duplicate_flags(root: Household, _info: Any) -> Any:
        return root.duplicate_flags.all()


class AnonymisedHousehold(graphene.ObjectType):
    """What a donor or volunteer may know of a household: category, tags, head's age band, community name."""

    id = graphene.ID(required=True)
    category = graphene.Field(CategoryEnum, required=True)
    tags = graphene.List(graphene.NonNull(TagEnum), required=True)
    head_age_band = graphene.Field(AgeBandEnum)
    member_count = graphene.Int(required=True)
    community_name = graphene.String(required=True)

    def resolve_id(root: Household, _info: Any) -> str:
        return gid("AnonymisedHousehold", root.pk)

    def resolve_category(root: Household, _info: Any) -> str:
        return root.category

    def resolve_tags(root: Household, _info: Any) -> list[str]:
        return list(root.tags)

    def resolve_head_age_band(root: Household, _info: Any) -> str | None:
        return _head_age_band(root)

    def resolve_member_count(root: Household, _info: Any) -> int:
        return len(_members(root))

    def resolve_community_name(root: Household, _info: Any) -> str:
        return selectors.community_of(root.region).name


class PublicNeedType(DjangoObjectType):
    """An open need as donors and volunteers see it: what is needed, how urgent, for an anonymised household.
    No description (free text may name people) and no link to the full Household type."""

    kind = graphene.Field(NeedKindEnum, required=True)
    amount_fen = graphene.Field(Fen)
    goods_category = graphene.Field(GoodsCategoryEnum)
    service_type = graphene.Field(ServiceTypeEnum)
    status = graphene.Field(NeedStatusEnum, required=True)
    household = graphene.Field(AnonymisedHousehold, required=True)

    class Meta:
        model = Need
        name = "PublicNeed"
        fields = ("id", "goods_item", "quantity", "minutes", "urgent", "opened_at")
        interfaces = (relay.Node,)
        connection_class = CountableConnection
        skip_registry = True  # foreign keys to Need elsewhere keep resolving to the staff type (and its scope)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        return queryset.filter(
            region_filter(info.context.user, selectors.PUBLIC_ROLES, "household__region"), status=NeedStatus.OPEN
        )

    def resolve_goods_category(root: Need, _info: Any) -> str | None:
        return root.goods_category or None

    def resolve_service_type(root: Need, _info: Any) -> str | None:
        return root.service_type or None

    def resolve_household(root: Need, _info: Any) -> Household:
        return root.household


class HouseholdPersonalData(graphene.ObjectType):
    """Decrypted personal data: only the fields asked for are filled. Every read is in the audit log."""

    head_name = graphene.String()
    id_number = graphene.String()
    phone = graphene.String()
    address = graphene.String()
    member_names = graphene.List(graphene.NonNull(graphene.String))


class HouseholdPersonalDataPayload(graphene.ObjectType):
    personal_data = graphene.Field(HouseholdPersonalData)
    errors = graphene.List(graphene.NonNull(HouseholdError), required=True)


class OverdueVisitGroup(graphene.ObjectType):
    """Key-group households of one community not visited in the month."""

    community = graphene.Field(RegionType, required=True)
    count = graphene.Int(required=True)
    households = graphene.List(graphene.NonNull(HouseholdType), required=True)

    def resolve_community(root: selectors.OverdueGroup, _info: Any) -> Any:
        return root.community

    def resolve_count(root: selectors.OverdueGroup, _info: Any) -> int:
        return len(root.households)

    def resolve_households(root: selectors.OverdueGroup, _info: Any) -> Any:
        return root.households
