"""Writes for people: role grants and profiles. Granting needs the administrator role over the region."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from huzhu.core.errors import CommonErrorCode, ServiceError
from huzhu.regions.models import Region

from . import access
from .models import Role, RoleGrant, User, VolunteerProfile


@transaction.atomic
def role_grant(*, actor: User, user: User, role: str, region: Region) -> RoleGrant:
    if role not in Role.values:
        raise ServiceError(CommonErrorCode.INVALID, _("未知的角色。"), field="role")
    if not access.has_role(actor, Role.ADMINISTRATOR, region):
        raise ServiceError(CommonErrorCode.PERMISSION_DENIED)
    grant, _created = RoleGrant.objects.get_or_create(
        user=user, role=role, region=region, defaults={"granted_by": actor}
    )
    access.forget(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: User, user: User, role: str, region: Region) -> int:
    if not access.has_role(actor, Role.ADMINISTRATOR, region):
        raise ServiceError(CommonErrorCode.PERMISSION_DENIED)
    deleted, _details = RoleGrant.objects.filter(user=user, role=role, region=region).delete()
    access.forget(user)
    return deleted


@transaction.atomic
def volunteer_profile_update(
    *,
    actor: User,
    home_community: Region | None = None,
    skills: list[str] | None = None,
    languages: list[str] | None = None,
    availability: list[dict[str, int]] | None = None,
) -> VolunteerProfile:
    """The volunteer edits their own profile: skills, languages and weekly availability slots."""
    profile = VolunteerProfile.objects.filter(user=actor).first()
    if profile is None:
        if home_community is None:
            raise ServiceError(CommonErrorCode.REQUIRED, field="homeCommunityId")
        profile = VolunteerProfile(user=actor, home_community=home_community)
    if home_community is not None:
        if home_community.level != Region.Level.COMMUNITY:
            raise ServiceError(CommonErrorCode.INVALID, _("请选择一个社区。"), field="homeCommunityId")
        profile.home_community = home_community
    if skills is not None:
        if len(skills) > 30 or any(len(s) > 40 or not s.strip() for s in skills):
            raise ServiceError(CommonErrorCode.INVALID, _("技能列表无效。"), field="skills")
        profile.skills = sorted({s.strip() for s in skills})
    if languages is not None:
        if len(languages) > 10 or any(len(s) > 20 or not s.strip() for s in languages):
            raise ServiceError(CommonErrorCode.INVALID, _("语言列表无效。"), field="languages")
        profile.languages = sorted({s.strip() for s in languages})
    if availability is not None:
        profile.availability = _clean_availability(availability)
    profile.full_clean()
    profile.save()
    return profile


def _clean_availability(slots: list[dict[str, int]]) -> list[dict[str, int]]:
    if len(slots) > 50:
        raise ServiceError(CommonErrorCode.INVALID, _("可服务时段过多。"), field="availability")
    cleaned = []
    for slot in slots:
        weekday, start, end = slot.get("weekday"), slot.get("start"), slot.get("end")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (weekday, start, end)):
            raise ServiceError(CommonErrorCode.INVALID, _("时段必须是整数。"), field="availability")
        assert isinstance(weekday, int) and isinstance(start, int) and isinstance(end, int)
        if not (0 <= weekday <= 6 and 0 <= start < end <= 24 * 60):
            raise ServiceError(CommonErrorCode.OUT_OF_RANGE, _("时段超出范围。"), field="availability")
        cleaned.append({"weekday": weekday, "start": start, "end": end})
    return sorted(cleaned, key=lambda s: (s["weekday"], s["start"]))
