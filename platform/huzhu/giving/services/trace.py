"""Writing the donor trace: append-only rows, each published live to the donor after commit."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from huzhu.giving import publish
from huzhu.giving.models import Donation, DonationTraceEvent, GoodsDonation
from huzhu.regions.models import Region


def trace_add(
    *,
    stage: str,
    donation: Donation | None = None,
    goods: GoodsDonation | None = None,
    at: datetime | None = None,
    community: Region | None = None,
    need_id: int | None = None,
    project_id: int | None = None,
    beneficiary: str = "",
    amount_fen: int | None = None,
    quantity: int | None = None,
    detail: str = "",
) -> DonationTraceEvent:
    event = DonationTraceEvent.objects.create(
        donation=donation, goods_donation=goods, stage=stage, at=at or timezone.now(), community=community,
        need_id=need_id, project_id=project_id, beneficiary=beneficiary[:200], amount_fen=amount_fen,
        quantity=quantity, detail=detail[:500],
    )
    gift = donation or goods
    publish.trace_published(event, donor_user_id=getattr(gift, "donor_id", None))
    return event
