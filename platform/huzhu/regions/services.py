"""Writes to the region tree. Only administrators create and move regions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import CommonErrorCode, ServiceError, check_text
from huzhu.people import access
from huzhu.people.models import Role, User

from .models import Region

CHILD_LEVEL = {
    Region.Level.DISTRICT: Region.Level.STREET,
    Region.Level.STREET: Region.Level.COMMUNITY,
    Region.Level.COMMUNITY: Region.Level.GRID,
}


def _require_admin(actor: User, region: Region | None) -> None:
    if region is None:
        if not actor.is_superuser:
            raise ServiceError(CommonErrorCode.PERMISSION_DENIED)
    elif not access.has_role(actor, Role.ADMINISTRATOR, region):
        raise ServiceError(CommonErrorCode.PERMISSION_DENIED)


@transaction.atomic
def region_create(*, actor: User, name: str, code: str, level: str, parent: Region | None = None) -> Region:
    """Create a region under `parent` (None only for a district, only by a superuser)."""
    _require_admin(actor, parent)
    name = check_text(name, field="name", max_length=100, required=True)
    code = check_text(code, field="code", max_length=64, required=True)
    if level not in Region.Level.values:
        raise ServiceError(CommonErrorCode.INVALID, _("未知的区域层级。"), field="level")
    expected = Region.Level.DISTRICT if parent is None else CHILD_LEVEL.get(Region.Level(parent.level))
    if level != expected:
        raise ServiceError(CommonErrorCode.INVALID, _("该层级不能建在此上级区域下。"), field="level")
    if Region.objects.filter(code=code).exists():
        raise ServiceError(CommonErrorCode.CONFLICT, _("编码已存在。"), field="code")
    return region_insert(name=name, code=code, level=level, parent=parent)


def region_insert(*, name: str, code: str, level: str, parent: Region | None) -> Region:
    """Insert a region and set its path from its id (no permission check: callers check, or are the demo)."""
    region = Region(
        name=name, code=code, level=level, parent=parent, path=f"pending-{code}",
        depth=1 if parent is None else parent.depth + 1,
    )
    region.full_clean(exclude=["path", "depth"])
    region.save()
    region.path = f"{parent.path if parent else ''}{region.id}."
    region.save(update_fields=["path"])
    return region


@transaction.atomic
def region_move(*, actor: User, region: Region, new_parent: Region) -> Region:
    """Move a subtree under another parent of the same level; one UPDATE rewrites every path below it."""
    _require_admin(actor, region)
    _require_admin(actor, new_parent)
    if region.parent is None or new_parent.level != region.parent.level:
        raise ServiceError(CommonErrorCode.INVALID, _("只能移到同一层级的上级区域下。"), field="parentId")
    if region.contains(new_parent):
        raise ServiceError(CommonErrorCode.INVALID, _("不能移到自己的下级区域中。"), field="parentId")
    old_prefix = region.path
    new_prefix = f"{new_parent.path}{region.id}."
    Region.objects.select_for_update().filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1))
    )
    Region.objects.filter(id=region.id).update(parent=new_parent)
    region.refresh_from_db()
    return region
