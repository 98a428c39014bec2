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
        # …and goods received into stock are proposed at once to their top-k open needs.
        from huzhu.giving import signals as giving_signals

        giving_signals.stock_received.connect(_stock_received, dispatch_uid="matching.stock_received")
        # …and money given for a charity project is proposed to that project at once (its funding gap).
        giving_signals.donation_succeeded.connect(_donation_succeeded, dispatch_uid="matching.donation_succeeded")


def _need_opened(sender: Any, need_id: int, **kwargs: Any) -> None:
    from huzhu.core.bulk import bulk_loading

    from .services import safe_propose_for_need

    if bulk_loading():
        return
    safe_propose_for_need(need_id)


def _stock_received(sender: Any, workstation_id: int, item_key: str, **kwargs: Any) -> None:
    from contextlib import suppress

    from django.db import IntegrityError

    from huzhu.core.bulk import bulk_loading

    from .services import propose_for_goods_supply

    if bulk_loading():
        return
    with suppress(IntegrityError):  # a concurrent proposer took one of the needs first: harmless
        propose_for_goods_supply(workstation_id=workstation_id, item_key=item_key)


def _donation_succeeded(sender: Any, donation_id: int, fund_kind: str, project_id: int | None,
                        **kwargs: Any) -> None:
    """After a gift's commit: a gift earmarked to a project proposes the project's fund for its gap. The gift
    has committed already, so a failure here is logged, never raised into the payment's webhook or form."""
    import logging

    from huzhu.core.bulk import bulk_loading

    if bulk_loading() or fund_kind != "project" or project_id is None:
        return
    from .projects import propose_funds_for_project

    try:
        propose_funds_for_project(project_id=project_id)
    except Exception:  # noqa: BLE001 — the next gift, a decision or the periodic job proposes again
        logging.getLogger(__name__).exception("online project fund proposal failed (donation %s)", donation_id)
