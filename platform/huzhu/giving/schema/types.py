"""GraphQL types of giving. Money is the Fen scalar (a string of digits); ids are relay global ids."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Q
from django.urls import reverse
from graphene_django import DjangoObjectType
from graphql_relay import from_global_id

from huzhu.core.errors import ServiceError
from huzhu.giving import selectors
from huzhu.giving.errors import GivingErrorCode
from huzhu.giving.models import (
    Donation,
    DonationTraceEvent,
    Fund,
    GoodsDonation,
    RecurringDonation,
    ServicePledge,
    StockMovement,
)
from huzhu.giving.taxonomy import (
    ITEMS_BY_KEY,
    GoodsCategory,
    GoodsCondition,
    NeedCategory,
    ServiceType,
)
from huzhu.graphql.core import CountableConnection, decode_id, enum_from_choices, error_type
from huzhu.graphql.scalars import Fen
from huzhu.people import access
from huzhu.people.models import Role
from huzhu.people.schema import WorkstationType
from huzhu.regions.schema import RegionType

GivingErrorCodeEnum = enum_from_choices("GivingErrorCode", GivingErrorCode)
GivingError = error_type("GivingError", GivingErrorCodeEnum)
DonationStatusEnum = enum_from_choices("DonationStatus", Donation.Status)
DonationChannelEnum = enum_from_choices("DonationChannel", Donation.Channel)
FundKindEnum = enum_from_choices("FundKind", Fund.Kind)
NeedCategoryEnum = enum_from_choices("GivingNeedCategory", NeedCategory)
TraceStageEnum = enum_from_choices("DonationTraceStage", DonationTraceEvent.Stage)
GoodsCategoryEnum = enum_from_choices("GivingGoodsCategory", GoodsCategory)
GoodsConditionEnum = enum_from_choices("GoodsCondition", GoodsCondition)
GoodsDonationStatusEnum = enum_from_choices("GoodsDonationStatus", GoodsDonation.Status)
StockMovementKindEnum = enum_from_choices("StockMovementKind", StockMovement.Kind)
PledgeServiceTypeEnum = enum_from_choices("PledgeServiceType", ServiceType)
PledgerKindEnum = enum_from_choices("PledgerKind", ServicePledge.PledgerKind)
RecurringStatusEnum = enum_from_choices("RecurringDonationStatus", RecurringDonation.Status)


def value(enum_value: Any) -> Any:
    """A graphene enum argument arrives as the enum member or as its value, depending on the version."""
    return getattr(enum_value, "value", enum_value)


def plain(choice: Any) -> Any:
    """A TextChoices member assigned in Python is not its plain value to graphene's enum serializer."""
    return None if choice is None or choice == "" else str(getattr(choice, "value", choice))


def donation_visibility(user: Any) -> Q:
    if access.has_role(user, Role.ADMINISTRATOR):
        return Q()
    return Q(donor_id=getattr(user, "pk", None)) | access.region_filter(user, [Role.WORKSTATION_STAFF], "region")


def decode_any(global_id: str | None, type_names: tuple[str, ...], *, field: str) -> int:
    """The database id of a global id of any of `type_names` (a need seen as Need by staff, PublicNeed by
    donors), or a typed NOT_FOUND / INVALID error."""
    try:
        kind, _raw = from_global_id(global_id or "")
    except Exception:
        kind = ""
    return decode_id(global_id, kind if kind in type_names else type_names[0], field=field)


class GivingConfigType(graphene.ObjectType):
    online_payment_enabled = graphene.Boolean(required=True)
    publishable_key = graphene.String(required=True, description="Empty when online payment is off.")
    stripe_js_url = graphene.String(required=True, description="Empty when online payment is off.")
    payment_method_types = graphene.List(graphene.NonNull(graphene.String), required=True)
    currency = graphene.String(required=True)
    max_online_amount_fen = graphene.Field(Fen, required=True)

    class Meta:
        name = "GivingConfig"


class EarmarkType(graphene.ObjectType):
    kind = graphene.Field(FundKindEnum, required=True)
    label = graphene.String(required=True)
    project_id = graphene.ID(description="The charity project's id, for project earmarks.")
    category = graphene.Field(NeedCategoryEnum)
    region = graphene.Field(RegionType)

    class Meta:
        name = "DonationEarmark"

    @staticmethod
    def of(fund: Fund) -> EarmarkType:
        from huzhu.giving.services import earmark_label

        return EarmarkType(
            kind=plain(fund.kind), label=str(earmark_label(fund)),
            project_id=graphene.relay.Node.to_global_id("CharityProject", fund.project_id) if fund.project_id
            else None,
            category=plain(fund.category), region=fund.region,
        )


class DonationTraceStepType(DjangoObjectType):
    stage = graphene.Field(TraceStageEnum, required=True)
    stage_label = graphene.String(required=True)
    community_name = graphene.String()
    amount_fen = graphene.Field(Fen)

    class Meta:
        model = DonationTraceEvent
        name = "DonationTraceStep"
        fields = ("at", "beneficiary", "quantity", "detail")

    def resolve_stage(root: Any, _info: Any) -> str:
        return plain(root.stage)

    def resolve_stage_label(root: DonationTraceEvent, _info: Any) -> str:
        return str(DonationTraceEvent.Stage(root.stage).label)

    def resolve_community_name(root: DonationTraceEvent, _info: Any) -> str | None:
        return root.community.name if root.community is not None else None


class DonationType(DjangoObjectType):
    amount_fen = graphene.Field(Fen, required=True)
    refunded_fen = graphene.Field(Fen, required=True)
    status = graphene.Field(DonationStatusEnum, required=True)
    channel = graphene.Field(DonationChannelEnum, required=True)
    earmark = graphene.Field(EarmarkType, required=True)
    trace = graphene.List(graphene.NonNull(DonationTraceStepType), required=True)
    receipt_url = graphene.String(description="Download link of the PDF receipt, once the gift succeeded.")
    client_secret = graphene.String(description="The PaymentIntent's client secret while an online gift is "
                                                "pending; only the donor sees it.")

    class Meta:
        model = Donation
        name = "Donation"
        fields = ("id", "currency", "message", "anonymous", "receipt_number", "created_at", "succeeded_at",
                  "donor_name")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    def resolve_status(root: Any, _info: Any) -> str:
        return plain(root.status)

    def resolve_channel(root: Any, _info: Any) -> str:
        return plain(root.channel)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        # The donor's own gifts; staff also the offline gifts recorded in their region; administrators all.
        return queryset.filter(donation_visibility(info.context.user))

    def resolve_earmark(root: Donation, _info: Any) -> EarmarkType:
        return EarmarkType.of(root.fund)

    def resolve_trace(root: Donation, _info: Any) -> Any:
        return root.trace.all()  # prefetched by the list selectors (ordered by at, id)

    def resolve_receipt_url(root: Donation, _info: Any) -> str | None:
        if root.status != Donation.Status.SUCCEEDED or not root.receipt_number:
            return None
        return reverse("giving-receipt", kwargs={"donation_id": root.pk})

    def resolve_client_secret(root: Donation, info: Any) -> str | None:
        if root.donor_id != getattr(info.context.user, "pk", None) or root.status != Donation.Status.PENDING:
            return None
        return root.stripe_client_secret or None


class RecurringDonationType(DjangoObjectType):
    amount_fen = graphene.Field(Fen, required=True)
    status = graphene.Field(RecurringStatusEnum, required=True)
    earmark = graphene.Field(EarmarkType, required=True)
    setup_client_secret = graphene.String(description="The SetupIntent's client secret while setup is pending.")

    class Meta:
        model = RecurringDonation
        name = "RecurringDonation"
        fields = ("id", "message", "anonymous", "day_of_month", "next_charge_on", "last_charged_on", "created_at")
        interfaces = (graphene.relay.Node,)

    def resolve_status(root: Any, _info: Any) -> str:
        return plain(root.status)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        return queryset.filter(donor_id=getattr(info.context.user, "pk", None))

    def resolve_earmark(root: RecurringDonation, _info: Any) -> EarmarkType:
        return EarmarkType.of(root.fund)

    def resolve_setup_client_secret(root: RecurringDonation, _info: Any) -> str | None:
        if root.status != RecurringDonation.Status.SETUP_PENDING:
            return None
        return root.stripe_setup_client_secret or None


class GoodsItemType(graphene.ObjectType):
    key = graphene.String(required=True)
    category = graphene.Field(GoodsCategoryEnum, required=True)
    item = graphene.String(required=True)
    name = graphene.String(required=True)
    unit = graphene.String(required=True)

    class Meta:
        name = "GoodsItem"


class GoodsDonationType(DjangoObjectType):
    item_key = graphene.String(required=True)
    item_name = graphene.String(required=True)
    category = graphene.Field(GoodsCategoryEnum, required=True)
    condition = graphene.Field(GoodsConditionEnum, required=True)
    status = graphene.Field(GoodsDonationStatusEnum, required=True)
    workstation = graphene.Field(WorkstationType, required=True)
    trace = graphene.List(graphene.NonNull(DonationTraceStepType), required=True)

    class Meta:
        model = GoodsDonation
        name = "GoodsDonation"
        fields = ("id", "unit", "quantity", "received_quantity", "message", "anonymous", "created_at",
                  "received_at", "donor_name")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    def resolve_category(root: Any, _info: Any) -> str:
        return plain(root.category)

    def resolve_condition(root: Any, _info: Any) -> str:
        return plain(root.condition)

    def resolve_status(root: Any, _info: Any) -> str:
        return plain(root.status)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        user = info.context.user
        return queryset.filter(Q(donor_id=getattr(user, "pk", None))
                               | access.region_filter(user, selectors.STOCK_ROLES, "workstation__region"))

    def resolve_item_key(root: GoodsDonation, _info: Any) -> str:
        return root.item_key

    def resolve_item_name(root: GoodsDonation, _info: Any) -> str:
        item = ITEMS_BY_KEY.get(root.item_key)
        return item.name if item else root.item_key

    def resolve_trace(root: GoodsDonation, _info: Any) -> Any:
        return root.trace.all()


class ServicePledgeType(DjangoObjectType):
    service_type = graphene.Field(PledgeServiceTypeEnum, required=True)
    pledger_kind = graphene.Field(PledgerKindEnum, required=True)
    region = graphene.Field(RegionType, required=True)

    class Meta:
        model = ServicePledge
        name = "ServicePledge"
        fields = ("id", "organisation_name", "description", "minutes_per_month", "active", "created_at")
        interfaces = (graphene.relay.Node,)

    def resolve_service_type(root: Any, _info: Any) -> str:
        return plain(root.service_type)

    def resolve_pledger_kind(root: Any, _info: Any) -> str:
        return plain(root.pledger_kind)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        return queryset.filter(pledger_id=getattr(info.context.user, "pk", None))


class MyPledgesType(graphene.ObjectType):
    goods = graphene.List(graphene.NonNull(GoodsDonationType), required=True)
    services = graphene.List(graphene.NonNull(ServicePledgeType), required=True)
    recurring = graphene.List(graphene.NonNull(RecurringDonationType), required=True)

    class Meta:
        name = "MyPledges"


class StockLineType(graphene.ObjectType):
    item_key = graphene.String(required=True)
    name = graphene.String(required=True)
    category = graphene.Field(GoodsCategoryEnum, required=True)
    unit = graphene.String(required=True)
    on_hand = graphene.Int(required=True)
    reserved = graphene.Int(required=True)
    available = graphene.Int(required=True)

    class Meta:
        name = "StockLine"

    @staticmethod
    def of(row: selectors.StockRow) -> StockLineType:
        return StockLineType(item_key=row.item_key, name=row.name, category=str(row.stock_item.category),
                             unit=row.stock_item.unit, on_hand=row.on_hand, reserved=row.reserved,
                             available=row.available)


class StockMovementType(DjangoObjectType):
    kind = graphene.Field(StockMovementKindEnum, required=True)
    item_key = graphene.String(required=True)
    lot_id = graphene.ID(required=True)

    class Meta:
        model = StockMovement
        name = "StockMovement"
        fields = ("id", "quantity", "on_hand_delta", "reserved_delta", "reason", "created_at")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    def resolve_kind(root: Any, _info: Any) -> str:
        return plain(root.kind)

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        from huzhu.people import access

        return queryset.filter(access.region_filter(info.context.user, selectors.STOCK_ROLES,
                                                    "stock_item__workstation__region"))

    def resolve_item_key(root: StockMovement, _info: Any) -> str:
        return root.stock_item.item_key

    def resolve_lot_id(root: StockMovement, _info: Any) -> str:
        return graphene.relay.Node.to_global_id("GoodsDonation", root.lot_id)


class DisclosureLineType(graphene.ObjectType):
    month = graphene.String(required=True)
    target = graphene.String(required=True)
    amount_fen = graphene.Field(Fen, required=True)
    count = graphene.Int(required=True)

    class Meta:
        name = "DisclosureLine"


class DisclosureGoodsLineType(graphene.ObjectType):
    month = graphene.String(required=True)
    item = graphene.String(required=True)
    quantity = graphene.Int(required=True)

    class Meta:
        name = "DisclosureGoodsLine"


class PublicDisclosureType(graphene.ObjectType):
    year = graphene.Int(required=True)
    total_income_fen = graphene.Field(Fen, required=True)
    total_disbursed_fen = graphene.Field(Fen, required=True)
    refunds_fen = graphene.Field(Fen, required=True)
    income = graphene.List(graphene.NonNull(DisclosureLineType), required=True)
    disbursements = graphene.List(graphene.NonNull(DisclosureLineType), required=True)
    goods_received = graphene.List(graphene.NonNull(DisclosureGoodsLineType), required=True)

    class Meta:
        name = "PublicDisclosure"


def raise_not_found(field: str) -> None:
    raise ServiceError(GivingErrorCode.NOT_FOUND, field=field)
