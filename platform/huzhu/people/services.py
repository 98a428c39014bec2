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
    """Take back a role held at exactly this region. Raises NOT_FOUND when the user does not hold it there."""
    if not access.has_role(actor, Role.ADMINISTRATOR, region):
        raise ServiceError(CommonErrorCode.PERMISSION_DENIED)
    deleted, _details = RoleGrant.objects.filter(user=user, role=role, region=region).delete()
    if not deleted:
        raise ServiceError(CommonErrorCode.NOT_FOUND, _("该用户在此区域没有这个角色。"), field="role")
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
    """The volunteer edits their own profile: home community, skills, languages and weekly availability slots.

    Only a volunteer may, and only with a home community inside a region where they volunteer. Raises
    PERMISSION_DENIED, REQUIRED (no profile yet and no community), INVALID or OUT_OF_RANGE (slots); a refused
    update writes nothing.
    """
    if not access.has_role(actor, Role.VOLUNTEER):
        raise ServiceError(CommonErrorCode.PERMISSION_DENIED, _("只有志愿者可以编辑志愿者资料。"))
    profile = VolunteerProfile.objects.select_for_update().filter(user=actor).first()
    if profile is None:
        if home_community is None:
            raise ServiceError(CommonErrorCode.REQUIRED, field="homeCommunityId")
        profile = VolunteerProfile(user=actor, home_community=home_community)
    if home_community is not None:
        if home_community.level != Region.Level.COMMUNITY:
            raise ServiceError(CommonErrorCode.INVALID, _("请选择一个社区。"), field="homeCommunityId")
        if not access.has_role(actor, Role.VOLUNTEER, home_community):
            raise ServiceError(
                CommonErrorCode.PERMISSION_DENIED, _("只能选择您服务的街道内的社区。"), field="homeCommunityId"
            )
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
    cleaned.sort(key=lambda s: (s["weekday"], s["start"]))
    for before, after in zip(cleaned, cleaned[1:], strict=False):
        if before["weekday"] == after["weekday"] and after["start"] < before["end"]:
            raise ServiceError(CommonErrorCode.INVALID, _("时段不能重叠。"), field="availability")
    return cleaned
