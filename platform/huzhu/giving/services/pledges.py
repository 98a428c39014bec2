"""Service pledges (捐服务): supply of skills and hours that matching proposes for service needs."""

from __future__ import annotations

from django.db import transaction

from huzhu.core.errors import check_text
from huzhu.giving.errors import GivingError, GivingErrorCode
from huzhu.giving.models import ServicePledge
from huzhu.giving.taxonomy import ServiceType
from huzhu.people.models import User
from huzhu.regions.models import Region

MAX_MINUTES_PER_MONTH = 200 * 60  # 200 hours a month: more than any one person or small firm gives


@transaction.atomic
def service_pledge_create(
    *, actor: User, service_type: str, minutes_per_month: int, region_id: int, description: str = "",
    pledger_kind: str = ServicePledge.PledgerKind.RESIDENT, organisation_name: str = "", idempotency_key: str,
) -> ServicePledge:
    """Pledge a service for `minutes_per_month` within a region's subtree (a community, a street, the district).

    Raises INVALID (service type, pledger kind), OUT_OF_RANGE (minutes), NOT_FOUND (region), REQUIRED
    (a company's name)."""
    if service_type not in ServiceType.values:
        raise GivingError(GivingErrorCode.INVALID, field="serviceType")
    if pledger_kind not in ServicePledge.PledgerKind.values:
        raise GivingError(GivingErrorCode.INVALID, field="pledgerKind")
    if isinstance(minutes_per_month, bool) or not isinstance(minutes_per_month, int) or not (
            0 < minutes_per_month <= MAX_MINUTES_PER_MONTH):
        raise GivingError(GivingErrorCode.OUT_OF_RANGE, field="minutesPerMonth")
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="regionId")
    description = check_text(description, field="description", max_length=500)
    organisation_name = check_text(organisation_name, field="organisationName", max_length=100,
                                   required=pledger_kind == ServicePledge.PledgerKind.COMPANY)
    idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=100, required=True)
    if existing := ServicePledge.objects.filter(pledger=actor, idempotency_key=idempotency_key).first():
        if (existing.service_type, existing.minutes_per_month, existing.region_id) != (
                service_type, minutes_per_month, region.pk):
            raise GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    pledge = ServicePledge(
        pledger=actor, pledger_kind=pledger_kind, organisation_name=organisation_name, service_type=service_type,
        description=description, minutes_per_month=minutes_per_month, region=region,
        idempotency_key=idempotency_key,
    )
    pledge.full_clean()
    pledge.save()
    return pledge


@transaction.atomic
def service_pledge_set_active(*, actor: User, pledge_id: int, active: bool) -> ServicePledge:
    pledge = ServicePledge.objects.select_for_update().filter(pk=pledge_id, pledger=actor).first()
    if pledge is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="pledgeId")
    pledge.active = bool(active)
    pledge.save(update_fields=["active"])
    return pledge
