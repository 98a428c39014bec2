"""Reads of the region tree. Region names and shape are not personal data: every signed-in user may read them."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Region


def region_list(*, level: str | None = None, under: Region | None = None) -> QuerySet[Region]:
    qs = Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    return qs.order_by("path")


def region_subtree(region: Region) -> QuerySet[Region]:
    """The region and everything under it: one indexed prefix predicate."""
    return Region.objects.filter(path__startswith=region.path)
