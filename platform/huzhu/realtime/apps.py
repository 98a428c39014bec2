from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

# User fields that change what a user may follow (a save touching only others, e.g. last_login, is not announced).
ACCESS_FIELDS = frozenset({"is_active", "is_superuser"})


class RealtimeConfig(AppConfig):
    name = "huzhu.realtime"
    label = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from huzhu.people.models import RoleGrant, User

        post_save.connect(_grant_changed, sender=RoleGrant, dispatch_uid="huzhu.realtime.grant_saved")
        post_delete.connect(_grant_changed, sender=RoleGrant, dispatch_uid="huzhu.realtime.grant_deleted")
        post_save.connect(_user_saved, sender=User, dispatch_uid="huzhu.realtime.user_saved")


def _grant_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from huzhu.core.bulk import bulk_loading

    from . import events

    if not bulk_loading() and instance.user_id is not None:
        events.access_changed(user_id=instance.user_id)


def _user_saved(sender: Any, instance: Any, created: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    from huzhu.core.bulk import bulk_loading

    from . import events

    if created or bulk_loading() or (update_fields is not None and not ACCESS_FIELDS & set(update_fields)):
        return
    events.access_changed(user_id=instance.pk)
