"""Mutations of giving: parse ids → call one service → payload with `errors` (GivingError codes)."""

from __future__ import annotations

from typing import Any

import graphene

from huzhu.core.errors import ServiceError
from huzhu.giving import services, stripe_gateway
from huzhu.giving.errors import GivingErrorCode
from huzhu.giving.services.card import donation_pay_card
from huzhu.graphql.core import BaseMutation, decode_id
from huzhu.graphql.scalars import Fen

from .types import (
    DonationChannelEnum,
    DonationType,
    GivingError,
    GoodsConditionEnum,
    GoodsDonationType,
    NeedCategoryEnum,
    PledgerKindEnum,
    PledgeServiceTypeEnum,
    RecurringDonationType,
    ServicePledgeType,
    decode_any,
    value,
)

ERRORS = graphene.List(graphene.NonNull(GivingError), required=True)


class EarmarkArguments:
    earmark_project_id = graphene.ID(description="A charity project (CharityProject id).")
    earmark_category = NeedCategoryEnum(description="A need category (医疗救助, 助学, …).")
    earmark_region_id = graphene.ID(description="A street or community.")
    earmark_need_id = graphene.ID(description="A specific household need (PublicNeed or Need id), shown anonymised.")


def earmark_from(args: dict[str, Any]) -> services.Earmark | None:
    project = args.get("earmark_project_id")
    category = args.get("earmark_category")
    region = args.get("earmark_region_id")
    need = args.get("earmark_need_id")
    if not any((project, category, region, need)):
        return None
    return services.Earmark(
        project_id=decode_any(project, ("CharityProject", "Project"), field="earmarkProjectId") if project else None,
        category=value(category) if category else None,
        region_id=decode_id(region, "Region", field="earmarkRegionId") if region else None,
        need_id=decode_any(need, ("PublicNeed", "Need"), field="earmarkNeedId") if need else None,
    )


class DonationCreate(BaseMutation):
    """Start an online gift: returns the PaymentIntent client secret for Stripe's Payment Element."""

    class Arguments(EarmarkArguments):
        amount_fen = Fen(required=True)
        currency = graphene.String(default_value="CNY")
        message = graphene.String(default_value="")
        anonymous = graphene.Boolean(default_value=False)
        idempotency_key = graphene.String(required=True)

    donation = graphene.Field(DonationType)
    client_secret = graphene.String()
    publishable_key = graphene.String()
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        donation = services.donation_create(
            actor=info.context.user, amount_fen=args["amount_fen"], currency=args.get("currency") or "CNY",
            message=args.get("message") or "", anonymous=bool(args.get("anonymous")), earmark=earmark_from(args),
            idempotency_key=args["idempotency_key"],
        )
        return cls(donation=donation, client_secret=donation.stripe_client_secret,
                   publishable_key=stripe_gateway.publishable_key(), errors=[])


class DonationPayCard(BaseMutation):
    """Pay a pending online gift with a card tokenised by Stripe.js (stripe.createToken on the Card Element):
    the server confirms the PaymentIntent. paymentStatus requires_action: call
    stripe.confirmCardPayment(clientSecret) for 3-D Secure. The gift turns succeeded by the webhook."""

    class Arguments:
        donation_id = graphene.ID(required=True)
        card_token = graphene.String(required=True, description="The token id from stripe.createToken(card).")

    donation = graphene.Field(DonationType)
    payment_status = graphene.String(description="The PaymentIntent's status after confirmation.")
    client_secret = graphene.String()
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        paid = donation_pay_card(actor=info.context.user,
                                 donation_id=decode_id(args["donation_id"], "Donation", field="donationId"),
                                 card_token=args["card_token"])
        return cls(donation=paid.donation, payment_status=paid.status, client_secret=paid.client_secret, errors=[])


class DonationCancel(BaseMutation):
    """The donor cancels their own unpaid online gift (pending, or failed after a declined card): its
    PaymentIntent is canceled in Stripe, the gift turns canceled, a "canceled" step goes to its live trace.
    Errors: NOT_FOUND (also another person's gift), NOT_ONLINE_GIFT, NOT_PENDING (received or canceled
    already), PAYMENT_IN_PROGRESS (the money was taken or is being taken), PAYMENT_PROVIDER_ERROR."""

    class Arguments:
        donation_id = graphene.ID(required=True)

    donation = graphene.Field(DonationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        donation = services.donation_cancel(
            actor=info.context.user, donation_id=decode_id(args["donation_id"], "Donation", field="donationId"))
        return cls(donation=donation, errors=[])


class OfflineDonationRecord(BaseMutation):
    """Staff record cash or a bank transfer received at their workstation."""

    class Arguments(EarmarkArguments):
        workstation_id = graphene.ID(required=True)
        channel = DonationChannelEnum(required=True)
        amount_fen = Fen(required=True)
        currency = graphene.String(default_value="CNY")
        donor_name = graphene.String(default_value="")
        donor_email = graphene.String(default_value="")
        message = graphene.String(default_value="")
        anonymous = graphene.Boolean(default_value=False)
        receipt_number = graphene.String(default_value="")
        external_reference = graphene.String(default_value="")
        idempotency_key = graphene.String(required=True)

    donation = graphene.Field(DonationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        services.check_currency(args.get("currency"))
        donation = services.offline_donation_record(
            actor=info.context.user, workstation_id=decode_id(args["workstation_id"], "Workstation",
                                                              field="workstationId"),
            channel=value(args["channel"]), amount_fen=args["amount_fen"], donor_name=args.get("donor_name") or "",
            donor_email=args.get("donor_email") or "", message=args.get("message") or "",
            anonymous=bool(args.get("anonymous")), earmark=earmark_from(args),
            receipt_number=args.get("receipt_number") or "", external_reference=args.get("external_reference") or "",
            idempotency_key=args["idempotency_key"],
        )
        return cls(donation=donation, errors=[])


class DonationRefund(BaseMutation):
    class Arguments:
        donation_id = graphene.ID(required=True)
        amount_fen = Fen(required=True)
        reason = graphene.String(default_value="")
        idempotency_key = graphene.String(required=True)

    donation = graphene.Field(DonationType)
    refunded_fen = graphene.Field(Fen)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        refund = services.donation_refund(
            actor=info.context.user, donation_id=decode_id(args["donation_id"], "Donation", field="donationId"),
            amount_fen=args["amount_fen"], reason=args.get("reason") or "", idempotency_key=args["idempotency_key"],
        )
        return cls(donation=refund.donation, refunded_fen=refund.amount_fen, errors=[])


class RecurringDonationCreate(BaseMutation):
    """Monthly giving: returns the SetupIntent client secret; confirm the card, then recurringDonationActivate."""

    class Arguments(EarmarkArguments):
        amount_fen = Fen(required=True)
        message = graphene.String(default_value="")
        anonymous = graphene.Boolean(default_value=False)
        day_of_month = graphene.Int()
        idempotency_key = graphene.String(required=True)

    recurring_donation = graphene.Field(RecurringDonationType)
    setup_client_secret = graphene.String()
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        plan = services.recurring_create(
            actor=info.context.user, amount_fen=args["amount_fen"], message=args.get("message") or "",
            anonymous=bool(args.get("anonymous")), earmark=earmark_from(args), day_of_month=args.get("day_of_month"),
            idempotency_key=args["idempotency_key"],
        )
        return cls(recurring_donation=plan, setup_client_secret=plan.stripe_setup_client_secret, errors=[])


class RecurringDonationActivate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)

    recurring_donation = graphene.Field(RecurringDonationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, id: str) -> Any:
        plan = services.recurring_activate(actor=info.context.user, recurring_id=decode_id(id, "RecurringDonation"))
        return cls(recurring_donation=plan, errors=[])


class RecurringDonationCancel(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)

    recurring_donation = graphene.Field(RecurringDonationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, id: str) -> Any:
        plan = services.recurring_cancel(actor=info.context.user, recurring_id=decode_id(id, "RecurringDonation"))
        return cls(recurring_donation=plan, errors=[])


class GoodsPledgeCreate(BaseMutation):
    class Arguments:
        workstation_id = graphene.ID(required=True)
        item_key = graphene.String(required=True, description='From goodsTaxonomy, e.g. "clothes_bedding/quilt".')
        quantity = graphene.Int(required=True)
        condition = GoodsConditionEnum(required=True)
        message = graphene.String(default_value="")
        anonymous = graphene.Boolean(default_value=False)
        idempotency_key = graphene.String(required=True)

    pledge = graphene.Field(GoodsDonationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        pledge = services.goods_pledge_create(
            actor=info.context.user, workstation_id=decode_id(args["workstation_id"], "Workstation",
                                                              field="workstationId"),
            item_key=args["item_key"], quantity=args["quantity"], condition=value(args["condition"]),
            message=args.get("message") or "", anonymous=bool(args.get("anonymous")),
            idempotency_key=args["idempotency_key"],
        )
        return cls(pledge=pledge, errors=[])


class GoodsPledgeCancel(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)

    pledge = graphene.Field(GoodsDonationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, id: str) -> Any:
        pledge = services.goods_pledge_cancel(actor=info.context.user, pledge_id=decode_id(id, "GoodsDonation"))
        return cls(pledge=pledge, errors=[])


class GoodsReceive(BaseMutation):
    """Staff take goods into stock: a pledge dropped off (pledgeId) or a walk-in gift (itemKey, condition)."""

    class Arguments:
        workstation_id = graphene.ID(required=True)
        quantity = graphene.Int(required=True)
        pledge_id = graphene.ID()
        item_key = graphene.String(default_value="")
        condition = GoodsConditionEnum()
        donor_name = graphene.String(default_value="")
        idempotency_key = graphene.String(default_value="")

    pledge = graphene.Field(GoodsDonationType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        pledge_id = args.get("pledge_id")
        pledge = services.goods_receive(
            actor=info.context.user, workstation_id=decode_id(args["workstation_id"], "Workstation",
                                                              field="workstationId"),
            quantity=args["quantity"], pledge_id=decode_id(pledge_id, "GoodsDonation", field="pledgeId")
            if pledge_id else None, item_key=args.get("item_key") or "",
            condition=value(args.get("condition")) or "", donor_name=args.get("donor_name") or "",
            idempotency_key=args.get("idempotency_key") or "",
        )
        return cls(pledge=pledge, errors=[])


class StockWriteOff(BaseMutation):
    class Arguments:
        workstation_id = graphene.ID(required=True)
        item_key = graphene.String(required=True)
        quantity = graphene.Int(required=True)
        reason = graphene.String(required=True)

    ok = graphene.Boolean()
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        services.stock_write_off(
            actor=info.context.user, workstation_id=decode_id(args["workstation_id"], "Workstation",
                                                              field="workstationId"),
            item_key=args["item_key"], quantity=args["quantity"], reason=args["reason"],
        )
        return cls(ok=True, errors=[])


class ServicePledgeCreate(BaseMutation):
    class Arguments:
        service_type = PledgeServiceTypeEnum(required=True)
        minutes_per_month = graphene.Int(required=True)
        region_id = graphene.ID(required=True, description="How far the pledger will go: a community, street, …")
        description = graphene.String(default_value="")
        pledger_kind = PledgerKindEnum()
        organisation_name = graphene.String(default_value="")
        idempotency_key = graphene.String(required=True)

    pledge = graphene.Field(ServicePledgeType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        pledge = services.service_pledge_create(
            actor=info.context.user, service_type=value(args["service_type"]),
            minutes_per_month=args["minutes_per_month"],
            region_id=decode_id(args["region_id"], "Region", field="regionId"),
            description=args.get("description") or "", pledger_kind=value(args.get("pledger_kind")) or "resident",
            organisation_name=args.get("organisation_name") or "", idempotency_key=args["idempotency_key"],
        )
        return cls(pledge=pledge, errors=[])


class ServicePledgeSetActive(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        active = graphene.Boolean(required=True)

    pledge = graphene.Field(ServicePledgeType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, *, id: str, active: bool) -> Any:
        pledge = services.service_pledge_set_active(actor=info.context.user,
                                                    pledge_id=decode_id(id, "ServicePledge"), active=active)
        return cls(pledge=pledge, errors=[])


class Mutation(graphene.ObjectType):
    donation_create = DonationCreate.Field()
    donation_pay_card = DonationPayCard.Field()
    donation_cancel = DonationCancel.Field()
    offline_donation_record = OfflineDonationRecord.Field()
    donation_refund = DonationRefund.Field()
    recurring_donation_create = RecurringDonationCreate.Field()
    recurring_donation_activate = RecurringDonationActivate.Field()
    recurring_donation_cancel = RecurringDonationCancel.Field()
    goods_pledge_create = GoodsPledgeCreate.Field()
    goods_pledge_cancel = GoodsPledgeCancel.Field()
    goods_receive = GoodsReceive.Field()
    stock_write_off = StockWriteOff.Field()
    service_pledge_create = ServicePledgeCreate.Field()
    service_pledge_set_active = ServicePledgeSetActive.Field()


__all__ = ["Mutation", "ServiceError", "GivingErrorCode"]
