"""GraphQL of the realtime app: the notification inbox (query, mark read) and the live subscriptions."""

from __future__ import annotations

from typing import Any

import graphene
from graphene_django import DjangoConnectionField, DjangoObjectType

from huzhu.graphql.core import (
    BaseMutation,
    CountableConnection,
    decode_id,
    enum_from_choices,
    error_type,
    require_login,
)

from . import selectors, services
from .errors import RealtimeErrorCode
from .models import Notification
from .subscriptions import Subscription  # noqa: F401  (joined into the root schema)

RealtimeErrorCodeEnum = enum_from_choices("RealtimeErrorCode", RealtimeErrorCode)
NotificationError = error_type("NotificationError", RealtimeErrorCodeEnum)


class NotificationType(DjangoObjectType):
    data = graphene.JSONString(required=True)
    read = graphene.Boolean(required=True)

    class Meta:
        model = Notification
        name = "Notification"
        fields = ("id", "kind", "title", "body", "link", "created_at", "read_at")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    def resolve_read(root: Notification, _info: Any) -> bool:
        return root.read_at is not None

    def resolve_data(root: Notification, _info: Any) -> Any:
        return root.data or {}

    @classmethod
    def get_queryset(cls, queryset: Any, info: Any) -> Any:
        # node(id:) and any other generic access: only the viewer's own notifications.
        return queryset.filter(user_id=getattr(info.context.user, "pk", None))


class Query(graphene.ObjectType):
    my_notifications = DjangoConnectionField(
        NotificationType,
        required=True,
        unread_only=graphene.Boolean(default_value=False),
        description="The viewer's notification inbox, newest first.",
    )
    unread_notification_count = graphene.Int(required=True)
    my_notification_settings = graphene.Field(lambda: NotificationSettingsType, required=True)

    def resolve_my_notifications(root: Any, info: Any, unread_only: bool = False, **_page: Any) -> Any:
        require_login(info)
        return selectors.notification_list(actor=info.context.user, unread_only=unread_only)

    def resolve_unread_notification_count(root: Any, info: Any) -> int:
        require_login(info)
        return selectors.notification_unread_count(actor=info.context.user)

    def resolve_my_notification_settings(root: Any, info: Any) -> Any:
        require_login(info)
        return selectors.notification_settings_get(actor=info.context.user)


class NotificationSettingsType(graphene.ObjectType):
    class Meta:
        name = "NotificationSettings"

    email_enabled = graphene.Boolean(required=True)


class NotificationsMarkRead(BaseMutation):
    """Mark some of the viewer's notifications read (`ids`), or all of them (`all: true`)."""

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID))
        all = graphene.Boolean(default_value=False)

    count = graphene.Int(required=True, default_value=0, description="How many changed from unread to read.")
    unread_count = graphene.Int(required=True, default_value=0)
    errors = graphene.List(graphene.NonNull(NotificationError), required=True)

    @classmethod
    def perform(cls, info: Any, *, ids: list[str] | None = None, all: bool = False) -> Any:  # noqa: A002
        pks = [decode_id(i, "Notification", field="ids") for i in (ids or [])]
        count = services.notification_mark_read(actor=info.context.user, ids=pks, all=all)
        return cls(count=count, unread_count=selectors.notification_unread_count(actor=info.context.user), errors=[])


class NotificationSettingsUpdate(BaseMutation):
    class Arguments:
        email_enabled = graphene.Boolean(required=True)

    settings = graphene.Field(NotificationSettingsType)
    errors = graphene.List(graphene.NonNull(NotificationError), required=True)

    @classmethod
    def perform(cls, info: Any, *, email_enabled: bool) -> Any:
        row = services.notification_settings_update(actor=info.context.user, email_enabled=email_enabled)
        return cls(settings=row, errors=[])


class Mutation(graphene.ObjectType):
    notifications_mark_read = NotificationsMarkRead.Field()
    notification_settings_update = NotificationSettingsUpdate.Field()
