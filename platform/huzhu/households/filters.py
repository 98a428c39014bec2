"""django-filter FilterSets for the household and need lists. Selectors apply them to already-scoped querysets,
so a filter can narrow what the actor sees but never widen it (a region id of another street finds nothing).

Nothing here searches personal data: it is encrypted. The one exact lookup is `id_number`, which compares the
keyed hash of the given number with the stored one (personal.id_number_hmac) and decrypts nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huzhu.regions.models import Region

from .models import Category, EconomicCheckStatus, GoodsCategory, NeedKind, NeedStatus, ServiceType, Tag
from .personal import id_number_hmac


def _region_subtree(queryset: QuerySet, field: str, region_id: int | None) -> QuerySet:
    if region_id is None:
        return queryset
    region = Region.objects.filter(id=region_id).only("path").first()
    if region is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__path__startswith": region.path})


class HouseholdFilter(django_filters.FilterSet):
    category = django_filters.MultipleChoiceFilter(choices=Category.choices)
    tag = django_filters.MultipleChoiceFilter(choices=Tag.choices, method="filter_tag")
    region = django_filters.NumberFilter(method="filter_region")
    urgent_needs = django_filters.BooleanFilter(method="filter_urgent_needs")
    possible_duplicate = django_filters.BooleanFilter()
    economic_check_status = django_filters.ChoiceFilter(choices=EconomicCheckStatus.choices)
    id_number = django_filters.CharFilter(method="filter_id_number", max_length=32)
    order_by = django_filters.OrderingFilter(
        fields=(
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
            ("next_check_due", "next_check_due"),
            ("last_visited_at", "last_visited_at"),
            ("has_open_urgent_need", "has_open_urgent_need"),
        )
    )

    def filter_tag(self, queryset: QuerySet, _name: str, value: list[str]) -> QuerySet:
        # Any of the given tags: `tags && ARRAY[...]`, served by the GIN index.
        return queryset.filter(tags__overlap=list(value)) if value else queryset

    def filter_region(self, queryset: QuerySet, _name: str, value: Any) -> QuerySet:
        return _region_subtree(queryset, "region", int(value) if value is not None else None)

    def filter_urgent_needs(self, queryset: QuerySet, _name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(has_open_urgent_need=value)

    def filter_id_number(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(personal__id_number_hmac=id_number_hmac(value))


class NeedFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=NeedKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=NeedStatus.choices)
    urgent = django_filters.BooleanFilter()
    goods_category = django_filters.MultipleChoiceFilter(choices=GoodsCategory.choices)
    service_type = django_filters.MultipleChoiceFilter(choices=ServiceType.choices)
    household = django_filters.NumberFilter(field_name="household_id")
    region = django_filters.NumberFilter(method="filter_region")
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, field_name="household__category")
    tag = django_filters.MultipleChoiceFilter(choices=Tag.choices, method="filter_tag")
    order_by = django_filters.OrderingFilter(
        fields=(
            ("opened_at", "opened_at"),
            ("created_at", "created_at"),
            ("urgent", "urgent"),
            ("amount_fen", "amount_fen"),
        )
    )

    def filter_region(self, queryset: QuerySet, _name: str, value: Any) -> QuerySet:
        return _region_subtree(queryset, "household__region", int(value) if value is not None else None)

    def filter_tag(self, queryset: QuerySet, _name: str, value: list[str]) -> QuerySet:
        return queryset.filter(household__tags__overlap=list(value)) if value else queryset


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


class VisitFilter(django_filters.FilterSet):
    """Visit records: a date range (inclusive, in local time) and who recorded them."""

    visited_from = django_filters.DateFilter(method="filter_visited_from")
    visited_to = django_filters.DateFilter(method="filter_visited_to")
    visitor = django_filters.NumberFilter(field_name="visitor_id")

    # Day bounds as timestamps in the local time zone (not `visited_at__date`), so the (household, -visited_at)
    # index serves the range.
    def filter_visited_from(self, queryset: QuerySet, _name: str, value: dt.date | None) -> QuerySet:
        return queryset.filter(visited_at__gte=_day_start(value)) if value else queryset

    def filter_visited_to(self, queryset: QuerySet, _name: str, value: dt.date | None) -> QuerySet:
        return queryset.filter(visited_at__lt=_day_start(value + dt.timedelta(days=1))) if value else queryset

    def is_valid(self) -> bool:
        valid = super().is_valid()
        start, end = self.form.cleaned_data.get("visited_from"), self.form.cleaned_data.get("visited_to")
        if valid and start and end and start > end:
            self.form.add_error("visited_to", _("结束日期不能早于开始日期。"))
            return False
        return valid
