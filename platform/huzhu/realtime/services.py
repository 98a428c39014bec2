"""Writes of the realtime app: the notification inbox. Other apps call notify() inside their own transaction."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from huzhu.core.errors import ServiceError, check_text

from . import events
from .errors import RealtimeErrorCode
from .models import Notification, NotificationSettings

if TYPE_CHECKING:
    from huzhu.people.models import User

log = logging.getLogger(__name__)

MAX_MARK_READ_IDS = 500


@transaction.atomic
def notify(
    *, user: User, kind: str, title: str, body: str = "", link: str = "", data: dict | None = None
) -> Notification:
    """Put a notification in the user's inbox, in the caller's transaction.

    After commit (and only then: a rolled-back caller tells nobody) it is pushed live to the user's
    myNotifications subscriptions, and emailed through Django's email backend if the user opted in
    (NotificationSettings.email_enabled). `title`/`body` are shown as they are: translate them before calling.
    """
    kind = check_text(kind, field="kind", max_length=40, required=True)
    title = check_text(str(title), field="title", max_length=200, required=True)
    body = check_text(str(body), field="body", max_length=2000)
    link = check_text(link, field="link", max_length=500)
    notification = Notification(user=user, kind=kind, title=title, body=body, link=link, data=data or {})
    notification.full_clean()
    notification.save()
    unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
    events.publish(
        events.NOTIFICATION,
        user_id=user.pk,
        payload={
            "notification_id": notification.pk,
            "kind": kind,
            "title": title,
            "body": body,
            "link": link,
            "data": notification.data,
            "created_at": notification.created_at.isoformat(),
            "unread_count": unread,
        },
    )
    if NotificationSettings.objects.filter(user_id=user.pk, email_enabled=True).exists() and user.email:
        transaction.on_commit(lambda: _email(user.email, title, body, link), robust=True)
    return notification


def _email(to: str, title: str, body: str, link: str) -> None:
    from django.conf import settings

    text = body
    if link:
        text = f"{body}\n\n{settings.PUBLIC_BASE_URL.rstrip('/')}{link if link.startswith('/') else '/' + link}"
    send_mail(subject=title, message=text, from_email=None, recipient_list=[to])


@transaction.atomic
def notification_mark_read(*, actor: User, ids: list[int] | None = None, all: bool = False) -> int:
    """Mark the actor's notifications read: the given ids, or all unread ones. Returns how many changed.

    An id that is not the actor's answers NOT_FOUND (like one that does not exist) and nothing is written;
    an id already read is accepted and not counted.
    """
    if not all and not ids:
        raise ServiceError(RealtimeErrorCode.REQUIRED, field="ids")
    now = timezone.now()
    mine = Notification.objects.filter(user_id=actor.pk)
    if all:
        changed = mine.filter(read_at__isnull=True).update(read_at=now)
    else:
        wanted = set(ids or [])
        if len(wanted) > MAX_MARK_READ_IDS:
            raise ServiceError(RealtimeErrorCode.TOO_MANY, field="ids", params={"max": MAX_MARK_READ_IDS})
        if mine.filter(id__in=wanted).count() != len(wanted):
            raise ServiceError(RealtimeErrorCode.NOT_FOUND, field="ids")
        changed = mine.filter(id__in=wanted, read_at__isnull=True).update(read_at=now)
    if changed:
        unread = mine.filter(read_at__isnull=True).count()
        events.publish(
            events.NOTIFICATION,
            user_id=actor.pk,
            payload={"notification_id": None, "kind": "read", "title": "", "body": "", "link": "", "data": {},
                     "created_at": now.isoformat(), "unread_count": unread},
        )
    return changed


@transaction.atomic
def notification_settings_update(*, actor: User, email_enabled: bool) -> NotificationSettings:
    """Turn email delivery of the actor's notifications on or off."""
    row, _ = NotificationSettings.objects.update_or_create(user=actor, defaults={"email_enabled": bool(email_enabled)})
    return row


