"""People: the user (email login, via allauth), roles granted at a region, workstations, volunteer profiles."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("管理员")
    WORKSTATION_STAFF = "workstation_staff", _("慈善工作站工作人员")
    SOCIAL_WORKER = "social_worker", _("社工")
    VOLUNTEER = "volunteer", _("志愿者")
    DONOR = "donor", _("捐赠人")
    FOUNDATION_REVIEWER = "foundation_reviewer", _("社区基金会评审")


class HuzhuUserManager(UserManager["User"]):
    """Email is the login; the username column is kept (Django admin expects it) and mirrors the email."""

    def create_user(self, username=None, email=None, password=None, **extra):  # type: ignore[override]
        email = self.normalize_email(email or username)
        return super().create_user(email, email, password, **extra)

    def create_superuser(self, username=None, email=None, password=None, **extra):  # type: ignore[override]
        email = self.normalize_email(email or username)
        return super().create_superuser(email, email, password, **extra)


class User(AbstractUser):
    email = models.EmailField(_("邮箱"), unique=True)
    display_name = models.CharField(_("显示名"), max_length=100, blank=True)
    language = models.CharField(_("语言"), max_length=8, default="zh-hans")

    objects = HuzhuUserManager()  # type: ignore[misc]

    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.email


class RoleGrant(models.Model):
    """A role held at a region; it covers the region's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="role_grants")
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "region"], name="rolegrant_unique")]
        indexes = [models.Index(fields=["role", "region"])]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.region}"


class Workstation(models.Model):
    """慈善工作站 at a street or community; households are registered by one, social workers belong to one."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="workstations")
    phone = models.CharField(_("电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("慈善工作站")
        verbose_name_plural = _("慈善工作站")

    def __str__(self) -> str:
        return self.name


class VolunteerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="volunteer_profile")
    home_community = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    skills = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    # Weekly availability: [{"weekday": 0-6, "start": minute of day, "end": minute of day}, ...]
    availability = models.JSONField(default=list, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"volunteer {self.user}"


class SocialWorkerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="social_worker_profile")
    workstation = models.ForeignKey(Workstation, on_delete=models.PROTECT, related_name="social_workers")

    def __str__(self) -> str:
        return f"social worker {self.user}"
