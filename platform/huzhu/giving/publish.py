"""Live updates and notifications of giving, through the realtime app; all go out only after commit."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import DonationTraceEvent

log = logging.getLogger(__name__)


def trace_published(event: DonationTraceEvent, *, donor_user_id: int | None) -> None:
    """Tell the donor (and staff watching the gift) that it moved on. realtime.events registers on_commit."""
    if donor_user_id is None:
        return
    from huzhu.realtime import events

    detail = event.beneficiary or event.detail
    if event.donation_id is not None:
        events.donation_trace(donation_id=event.donation_id, donor_user_id=donor_user_id, stage=event.stage,
                              at_iso=event.at.isoformat(), detail=detail)
    else:
        # Goods gifts have their own ids: same topic, their own object key, "kind" says which.
        events.publish(
            events.DONATION_TRACE, object_key=f"GoodsDonation.{event.goods_donation_id}", user_id=donor_user_id,
            payload={"donation_id": event.goods_donation_id, "kind": "goods", "stage": event.stage,
                     "at": event.at.isoformat(), "detail": detail},
        )


def stock_changed(*, workstation_id: int, region_path: str, item_key: str, on_hand: int) -> None:
    from huzhu.realtime import events

    events.stock_changed(workstation_id=workstation_id, region_path=region_path, item=item_key, on_hand=on_hand)


def notify(*, user: Any, kind: str, title: str, body: str = "", link: str = "", data: dict | None = None) -> None:
    """Put a notification in the user's inbox (in the caller's transaction)."""
    if user is None:
        return
    from huzhu.realtime.services import notify as realtime_notify

    realtime_notify(user=user, kind=kind, title=str(title), body=str(body), link=link, data=data)


def donation_succeeded_title() -> str:
    return _("您的捐赠已到账,感谢您的爱心!")
