"""The four-level region tree (区 / 街道 / 社区 / 网格) as a materialized path.

Why a materialized path and not ltree: the embedded PostgreSQL (pgserver) ships no contrib extensions, and a
path of ids ending in "." gives "everything under street X" as one indexed predicate
(`path LIKE '12.40.%'`, served by a text_pattern_ops b-tree) on any PostgreSQL. Moving a subtree is one
UPDATE of the paths that share the old prefix.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.TextChoices):
        DISTRICT = "district", _("区")
        STREET = "street", _("街道(镇)")
        COMMUNITY = "community", _("社区(村)")
        GRID = "grid", _("网格")

    LEVEL_DEPTH = {Level.DISTRICT: 1, Level.STREET: 2, Level.COMMUNITY: 3, Level.GRID: 4}

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("编码"), max_length=64, unique=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # "<district id>.<street id>.<community id>." — set by services.region_create / region_move only.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        indexes = [
            models.Index(OpClass("path", name="text_pattern_ops"), name="region_path_prefix_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(depth__gte=1, depth__lte=4), name="region_depth_1_4"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, level="district")
                | models.Q(parent__isnull=False) & ~models.Q(level="district"),
                name="region_only_districts_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)

    def ancestor_ids(self) -> list[int]:
        """Ids from the district down to this region itself, read from the path (no query)."""
        return [int(p) for p in self.path.split(".") if p]


