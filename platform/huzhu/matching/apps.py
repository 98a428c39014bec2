from typing import Any

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "huzhu.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from huzhu.households import signals

        # Online matching: a need that opens (registered, or back to open after a rejection elsewhere) gets
        # its best supply proposed at once, after the registering transaction has committed.
        signals.need_opened.connect(_need_opened, dispatch_uid="matching.need_opened")


def _need_opened(sender: Any, need_id: int, **kwargs: Any) -> None:
    from .services import safe_propose_for_need

    safe_propose_for_need(need_id)
