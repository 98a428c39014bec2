"""Reads of the realtime app: the actor's own notification inbox (nobody reads another user's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Notification, NotificationSettings

if TYPE_CHECKING:
    from huzhu.people.models import User


def notification_list(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    if not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user_id=actor.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_unread_count(*, actor: User) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).count()


def notification_settings_get(*, actor: User) -> NotificationSettings:
    row = NotificationSettings.objects.filter(user_id=actor.pk).first()
    return row or NotificationSettings(user_id=actor.pk)
