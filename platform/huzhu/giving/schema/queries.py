"""Queries of giving: configuration and disclosure are public; the rest is the caller's own or their region's."""

from __future__ import annotations

from typing import Any

import graphene
from django.urls import reverse
from graphene_django.fields import DjangoConnectionField
from graphql import GraphQLError

from huzhu.core.errors import ServiceError
from huzhu.giving import selectors, stripe_gateway
from huzhu.giving.models import Donation
from huzhu.giving.taxonomy import ITEMS
from huzhu.graphql.core import decode_id, require_login
from huzhu.graphql.scalars import Fen  # noqa: F401  (registers the scalar for the types)

from .types import (
    DisclosureGoodsLineType,
    DisclosureLineType,
    DonationType,
    GivingConfigType,
    GoodsDonationType,
    GoodsItemType,
    MyPledgesType,
    PublicDisclosureType,
    StockLineType,
    StockMovementType,
)


def _typed(exc: ServiceError) -> GraphQLError:
    """A read that fails a rule answers with a top-level error carrying the typed code."""
    return GraphQLError(exc.message, extensions={"code": exc.code, "field": exc.field})


class Query(graphene.ObjectType):
    giving_config = graphene.Field(GivingConfigType, required=True,
                                   description="Whether online payment (Stripe) is on, and how to load Stripe.js.")
    goods_taxonomy = graphene.List(graphene.NonNull(GoodsItemType), required=True)
    public_disclosure = graphene.Field(
        PublicDisclosureType, required=True, year=graphene.Int(),
        description="慈善信息公开: income and disbursements by month, no personal data.")
    my_donations = DjangoConnectionField(DonationType, description="The viewer's money gifts.")
    donation = graphene.Field(DonationType, id=graphene.ID(required=True))
    donation_receipt_url = graphene.String(donation_id=graphene.ID(required=True))
    recorded_donations = DjangoConnectionField(
        DonationType, description="Offline gifts recorded in the staff member's region.")
    my_pledges = graphene.Field(MyPledgesType, required=True)
    workstation_goods_pledges = DjangoConnectionField(
        GoodsDonationType, workstation_id=graphene.ID(required=True),
        description="Pledges awaiting drop-off and received lots at a workstation (its staff).")
    stock = graphene.List(graphene.NonNull(StockLineType), required=True, workstation_id=graphene.ID(required=True))
    stock_movements = DjangoConnectionField(StockMovementType,
                                               workstation_id=graphene.ID(required=True), item_key=graphene.String())

    def resolve_giving_config(root: Any, _info: Any) -> GivingConfigType:
        return GivingConfigType(
            online_payment_enabled=stripe_gateway.online_payment_enabled(),
            publishable_key=stripe_gateway.publishable_key(), stripe_js_url=stripe_gateway.stripe_js_url(),
            payment_method_types=stripe_gateway.payment_method_types() if stripe_gateway.online_payment_enabled()
            else [], currency="CNY", max_online_amount_fen=stripe_gateway.STRIPE_MAX_AMOUNT_FEN,
        )

    def resolve_goods_taxonomy(root: Any, _info: Any) -> list[GoodsItemType]:
        # the plain value: graphene reads a TextChoices member as a Python enum and looks it up by its NAME
        return [GoodsItemType(key=i.key, category=str(i.category), item=i.item, name=i.name, unit=i.unit)
                for i in ITEMS]

    def resolve_public_disclosure(root: Any, _info: Any, year: int | None = None) -> PublicDisclosureType:
        if year is not None and not 2000 <= year <= 2100:
            year = None
        d = selectors.public_disclosure(year=year)
        return PublicDisclosureType(
            year=year or int(d.generated_at[:4]), total_income_fen=d.total_income_fen,
            total_disbursed_fen=d.total_disbursed_fen, refunds_fen=d.refunds_fen,
            income=[DisclosureLineType(month=x.month, target=x.target, amount_fen=x.amount_fen, count=x.count)
                    for x in d.income],
            disbursements=[DisclosureLineType(month=x.month, target=x.target, amount_fen=x.amount_fen, count=x.count)
                           for x in d.disbursements],
            goods_received=[DisclosureGoodsLineType(month=m, item=name, quantity=q) for m, name, q in d.goods_received],
        )

    def resolve_my_donations(root: Any, info: Any, **_page: Any) -> Any:
        return selectors.donation_list_mine(actor=require_login(info))

    def resolve_donation(root: Any, info: Any, id: str) -> Donation | None:
        user = require_login(info)
        try:
            return selectors.donation_get(actor=user, donation_id=decode_id(id, "Donation"))
        except ServiceError:
            return None  # another person's gift answers like one that does not exist

    def resolve_donation_receipt_url(root: Any, info: Any, donation_id: str) -> str | None:
        user = require_login(info)
        try:
            donation = selectors.donation_get(actor=user, donation_id=decode_id(donation_id, "Donation",
                                                                                field="donationId"))
        except ServiceError:
            return None
        if donation.status != Donation.Status.SUCCEEDED:
            return None
        return reverse("giving-receipt", kwargs={"donation_id": donation.pk})

    def resolve_recorded_donations(root: Any, info: Any, **_page: Any) -> Any:
        return selectors.donation_list_staff(actor=require_login(info))

    def resolve_my_pledges(root: Any, info: Any) -> MyPledgesType:
        user = require_login(info)
        return MyPledgesType(goods=selectors.goods_donation_list_mine(actor=user),
                             services=selectors.service_pledge_list_mine(actor=user),
                             recurring=selectors.recurring_list_mine(actor=user))

    def resolve_workstation_goods_pledges(root: Any, info: Any, workstation_id: str, **_page: Any) -> Any:
        user = require_login(info)
        try:
            return selectors.goods_pledges_at(actor=user, workstation_id=decode_id(
                workstation_id, "Workstation", field="workstationId"))
        except ServiceError as exc:
            raise _typed(exc)

    def resolve_stock(root: Any, info: Any, workstation_id: str) -> list[StockLineType]:
        user = require_login(info)
        try:
            rows = selectors.stock_list(actor=user, workstation_id=decode_id(workstation_id, "Workstation",
                                                                             field="workstationId"))
        except ServiceError as exc:
            raise _typed(exc)
        return [StockLineType.of(r) for r in rows]

    def resolve_stock_movements(root: Any, info: Any, workstation_id: str, item_key: str | None = None,
                                **_page: Any) -> Any:
        user = require_login(info)
        try:
            return selectors.stock_movement_list(
                actor=user, workstation_id=decode_id(workstation_id, "Workstation", field="workstationId"),
                item_key=item_key)
        except ServiceError as exc:
            raise _typed(exc)
