"""Queries: households, household, householdPersonalData, needs, openNeeds, householdVisits, myVisits,
overdueVisits.

Resolvers parse arguments and call selectors; the selectors scope by role and region and carry the
select_related/prefetch_related that keep every list at a fixed number of SQL queries.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import graphene
from graphene import relay
from graphene_django.fields import DjangoConnectionField
from graphql_relay import cursor_to_offset, offset_to_cursor

from huzhu.core.errors import CommonErrorCode, ServiceError
from huzhu.graphql.core import decode_id, require_login

from .. import selectors, services
from ..errors import HouseholdErrorCode
from ..personal import PERSONAL_FIELDS
from .types import (
    CategoryEnum,
    EconomicCheckStatusEnum,
    GoodsCategoryEnum,
    HouseholdOrderByEnum,
    HouseholdPersonalData,
    HouseholdPersonalDataPayload,
    HouseholdType,
    NeedKindEnum,
    NeedOrderByEnum,
    NeedStatusEnum,
    NeedType,
    OverdueVisitGroup,
    PersonalDataFieldEnum,
    PublicNeedType,
    ServiceTypeEnum,
    TagEnum,
    VisitConnection,
    enum_value,
    query_error,
)

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _values(items: list[Any] | None) -> list[Any] | None:
    return [enum_value(i) for i in items] if items else None


def _region_id(global_id: str | None) -> int | None:
    return decode_id(global_id, "Region", field="regionId") if global_id else None


def parse_month(value: str | None) -> dt.date:
    from django.utils import timezone

    if not value:
        return timezone.localdate().replace(day=1)
    match = _MONTH_RE.match(value)
    if not match or not (1 <= int(match.group(2)) <= 12) or int(match.group(1)) < 2000:
        raise ServiceError(HouseholdErrorCode.INVALID_MONTH, field="month")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _after_offset(after: str | None) -> int:
    """The offset just past an `after` cursor (graphene-django's arrayconnection cursors, like every list)."""
    if not after:
        return 0
    offset = cursor_to_offset(after) if len(after) <= 100 else None
    if offset is None or offset < 0:
        raise ServiceError(CommonErrorCode.INVALID, field="after")
    return offset + 1


def _first(args: dict[str, Any]) -> int:
    return 20 if args.get("first") is None else int(args["first"])


def _visit_filters(args: dict[str, Any]) -> dict[str, Any]:
    return {
        "visited_from": args.get("visited_from"),
        "visited_to": args.get("visited_to"),
        "visitor": decode_id(args["visitor_id"], "User", field="visitorId") if args.get("visitor_id") else None,
    }


def visit_connection(page: selectors.VisitPage) -> VisitConnection:
    edges = [VisitConnection.Edge(node=v, cursor=offset_to_cursor(page.offset + i))
             for i, v in enumerate(page.visits)]
    connection = VisitConnection(edges=edges, page_info=relay.PageInfo(
        has_next_page=page.has_next, has_previous_page=page.offset > 0,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None,
    ))
    connection.length = page.total  # CountableConnection's totalCount
    return connection


_VISIT_ARGS: dict[str, Any] = {
    "first": graphene.Int(description="Page size, 1–100 (default 20)."),
    "after": graphene.String(),
    "visited_from": graphene.Date(description="From this day (inclusive, local time)."),
    "visited_to": graphene.Date(description="Up to this day (inclusive, local time)."),
}


class Query(graphene.ObjectType):
    households = DjangoConnectionField(
        HouseholdType,
        required=True,
        category=graphene.List(graphene.NonNull(CategoryEnum)),
        tag=graphene.List(graphene.NonNull(TagEnum), description="Households with any of these tags."),
        region_id=graphene.ID(description="Only this region's subtree."),
        urgent_needs=graphene.Boolean(description="With (true) or without (false) an open urgent need."),
        possible_duplicate=graphene.Boolean(),
        economic_check_status=EconomicCheckStatusEnum(),
        id_number=graphene.String(description="Exact head ID number, compared by keyed hash (nothing decrypted)."),
        order_by=graphene.List(graphene.NonNull(HouseholdOrderByEnum)),
        description="Households the signed-in staff member, social worker or administrator may see, newest first.",
    )
    household = graphene.Field(HouseholdType, id=graphene.ID(required=True))
    household_personal_data = graphene.Field(
        HouseholdPersonalDataPayload,
        required=True,
        id=graphene.ID(required=True),
        purpose=graphene.String(required=True, description="Why you read it; kept in the audit log."),
        fields=graphene.List(graphene.NonNull(PersonalDataFieldEnum), description="Default: all."),
        description="A household's decrypted personal data. Every call writes one audit row.",
    )
    needs = DjangoConnectionField(
        NeedType,
        required=True,
        kind=graphene.List(graphene.NonNull(NeedKindEnum)),
        status=graphene.List(graphene.NonNull(NeedStatusEnum)),
        urgent=graphene.Boolean(),
        household_id=graphene.ID(),
        region_id=graphene.ID(),
        category=graphene.List(graphene.NonNull(CategoryEnum)),
        tag=graphene.List(graphene.NonNull(TagEnum)),
        goods_category=graphene.List(graphene.NonNull(GoodsCategoryEnum)),
        service_type=graphene.List(graphene.NonNull(ServiceTypeEnum)),
        order_by=graphene.List(graphene.NonNull(NeedOrderByEnum)),
        description="Needs in full (staff view), urgent first, then the longest waiting.",
    )
    open_needs = DjangoConnectionField(
        PublicNeedType,
        required=True,
        kind=graphene.List(graphene.NonNull(NeedKindEnum)),
        urgent=graphene.Boolean(),
        region_id=graphene.ID(),
        category=graphene.List(graphene.NonNull(CategoryEnum)),
        tag=graphene.List(graphene.NonNull(TagEnum)),
        goods_category=graphene.List(graphene.NonNull(GoodsCategoryEnum)),
        service_type=graphene.List(graphene.NonNull(ServiceTypeEnum)),
        order_by=graphene.List(graphene.NonNull(NeedOrderByEnum)),
        description="Open needs, anonymised, for every signed-in role in its area: urgent (救急难) first.",
    )
    household_visits = graphene.Field(
        VisitConnection,
        required=True,
        household_id=graphene.ID(required=True),
        visitor_id=graphene.ID(description="Only visits recorded by this person (a Visit's visitorId)."),
        **_VISIT_ARGS,
        description="A household's visit records (走访记录), newest first. Staff, social workers and administrators "
                    "of its area; another area's household is a NOT_FOUND error. Each call is written to the "
                    "personal-data audit log (visit notes are personal data).",
    )
    my_visits = graphene.Field(
        VisitConnection,
        required=True,
        **_VISIT_ARGS,
        description="The visit records the signed-in user wrote, newest first, across the households they may "
                    "still see. Each household on the page is written to the personal-data audit log.",
    )
    overdue_visits = graphene.List(
        graphene.NonNull(OverdueVisitGroup),
        required=True,
        month=graphene.String(description="YYYY-MM; default the current month."),
        description="Key-group households not visited in the month, per community.",
    )

    def resolve_households(root: Any, info: Any, **args: Any) -> Any:
        user = require_login(info)
        try:
            filters = {
                "category": _values(args.get("category")),
                "tag": _values(args.get("tag")),
                "region": _region_id(args.get("region_id")),
                "urgent_needs": args.get("urgent_needs"),
                "possible_duplicate": args.get("possible_duplicate"),
                "economic_check_status": enum_value(args.get("economic_check_status")),
                "id_number": args.get("id_number"),
                "order_by": _values(args.get("order_by")),
            }
            return selectors.household_list(actor=user, filters=filters)
        except ServiceError as exc:
            raise query_error(exc)

    def resolve_household(root: Any, info: Any, id: str) -> Any:
        user = require_login(info)
        try:
            household_id = decode_id(id, "Household")
        except ServiceError:
            return None
        return selectors.household_detail(actor=user, household_id=household_id)

    def resolve_household_personal_data(
        root: Any, info: Any, id: str, purpose: str, fields: list[Any] | None = None
    ) -> Any:
        user = require_login(info)
        try:
            household = selectors.household_get(actor=user, household_id=decode_id(id, "Household"))
            data = services.personal_data_read(
                actor=user, household=household, fields=_values(fields) or list(PERSONAL_FIELDS), purpose=purpose
            )
        except ServiceError as exc:
            return HouseholdPersonalDataPayload(
                personal_data=None, errors=[{"field": exc.field, "code": exc.code, "message": exc.message}]
            )
        return HouseholdPersonalDataPayload(personal_data=HouseholdPersonalData(**data), errors=[])

    def resolve_needs(root: Any, info: Any, **args: Any) -> Any:
        user = require_login(info)
        try:
            filters = {
                "kind": _values(args.get("kind")),
                "status": _values(args.get("status")),
                "urgent": args.get("urgent"),
                "household": decode_id(args["household_id"], "Household", field="householdId")
                if args.get("household_id") else None,
                "region": _region_id(args.get("region_id")),
                "category": _values(args.get("category")),
                "tag": _values(args.get("tag")),
                "goods_category": _values(args.get("goods_category")),
                "service_type": _values(args.get("service_type")),
                "order_by": _values(args.get("order_by")),
            }
            return selectors.need_list(actor=user, filters=filters)
        except ServiceError as exc:
            raise query_error(exc)

    def resolve_open_needs(root: Any, info: Any, **args: Any) -> Any:
        user = require_login(info)
        try:
            filters = {
                "kind": _values(args.get("kind")),
                "urgent": args.get("urgent"),
                "region": _region_id(args.get("region_id")),
                "category": _values(args.get("category")),
                "tag": _values(args.get("tag")),
                "goods_category": _values(args.get("goods_category")),
                "service_type": _values(args.get("service_type")),
                "order_by": _values(args.get("order_by")),
            }
            return selectors.open_needs(actor=user, filters=filters)
        except ServiceError as exc:
            raise query_error(exc)

    def resolve_household_visits(root: Any, info: Any, household_id: str, **args: Any) -> Any:
        user = require_login(info)
        try:
            page = selectors.household_visit_page(
                actor=user, household_id=decode_id(household_id, "Household", field="householdId"),
                filters=_visit_filters(args), first=_first(args), offset=_after_offset(args.get("after")),
            )
        except ServiceError as exc:
            raise query_error(exc)
        return visit_connection(page)

    def resolve_my_visits(root: Any, info: Any, **args: Any) -> Any:
        user = require_login(info)
        try:
            page = selectors.my_visit_page(actor=user, filters=_visit_filters(args), first=_first(args),
                                           offset=_after_offset(args.get("after")))
        except ServiceError as exc:
            raise query_error(exc)
        return visit_connection(page)

    def resolve_overdue_visits(root: Any, info: Any, month: str | None = None) -> Any:
        user = require_login(info)
        try:
            return selectors.overdue_visits(actor=user, month=parse_month(month))
        except ServiceError as exc:
            raise query_error(exc)
