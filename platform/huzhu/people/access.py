"""The one permission layer: every selector and service asks here what a user may see and do.

A role is granted at a region and covers its subtree, so "may alice act on this household" is "does alice
hold the role at a region whose path is a prefix of the household's region path". Scoped querysets use the
same prefixes as an indexed `path LIKE 'prefix%'` predicate, so visibility is by construction: a list, a
fetch by id and a field resolver all go through region_filter, and an id from another street answers exactly
like an id that does not exist.

Grants are read once per user object (one query) and cached on it; a request or a websocket event builds a
fresh user object, so a revoked role stops taking effect at the next request or event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

from .models import Role, RoleGrant

if TYPE_CHECKING:
    from huzhu.regions.models import Region

    from .models import User

_CACHE_ATTR = "_huzhu_grants"

STAFF_ROLES = (Role.WORKSTATION_STAFF,)
FRONTLINE_ROLES = (Role.WORKSTATION_STAFF, Role.SOCIAL_WORKER)


def grants(user: User | None) -> list[tuple[str, str]]:
    """(role, region path) pairs of the user, read once per user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user_id=user.pk).values_list("role", "region__path"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: User) -> None:
    """Drop the cached grants (after granting or revoking in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _as_set(roles: str | Iterable[str]) -> set[str]:
    return {roles} if isinstance(roles, str) else {str(r) for r in roles}


def has_role(user: User | None, roles: str | Iterable[str], region: Region | None = None) -> bool:
    """Whether the user holds one of `roles` at `region` or above it (or anywhere, when region is None)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    wanted = _as_set(roles)
    return any(role in wanted and (region is None or region.path.startswith(path)) for role, path in grants(user))


def has_role_at_path(user: User | None, roles: str | Iterable[str], path: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    wanted = _as_set(roles)
    return any(role in wanted and path.startswith(p) for role, p in grants(user))


def scope_paths(user: User | None, roles: str | Iterable[str]) -> list[str]:
    """The minimal list of region path prefixes where the user holds one of `roles`."""
    wanted = _as_set(roles)
    paths = sorted({p for role, p in grants(user) if role in wanted})
    minimal: list[str] = []
    for path in paths:  # sorted, so an ancestor comes before its descendants
        if not any(path.startswith(m) for m in minimal):
            minimal.append(path)
    return minimal


def region_filter(user: User | None, roles: str | Iterable[str], field: str = "region") -> Q:
    """A Q that keeps rows whose `field` region lies under a region where the user holds one of `roles`.

    A superuser sees everything; a user without such a role sees nothing (never an unscoped queryset).
    """
    if user is not None and getattr(user, "is_authenticated", False) and user.is_superuser:
        return Q()
    paths = scope_paths(user, roles)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__path__startswith": path})
    return q


def roles_of(user: User | None) -> set[str]:
    if user is not None and getattr(user, "is_authenticated", False) and user.is_superuser:
        return set(Role.values)
    return {role for role, _ in grants(user)}
