"""The household's address, revealed to the task's team only, each reveal audited by households."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .. import integrations
from ..errors import VolunteeringError, VolunteeringErrorCode
from ..models import ServiceTask, TaskClaim
from .common import task_get

E = VolunteeringErrorCode
REVEAL_STATUSES = (ServiceTask.Status.OPEN, ServiceTask.Status.FULL, ServiceTask.Status.IN_PROGRESS)


def on_team(actor: Any, task: ServiceTask) -> bool:
    """The lead, or a volunteer holding a slot (not one on the waiting list)."""
    if task.lead_id == actor.pk:
        return True
    return TaskClaim.objects.filter(task_id=task.id, volunteer_id=actor.pk, status=TaskClaim.Status.CLAIMED).exists()


@transaction.atomic
def task_address(*, actor: Any, task_id: int) -> str:
    """The served household's address for a member of the task's team, while the task is on (open, full or in
    progress). Each call is one audited read through households.personal_data_read with purpose "task:<id>".
    Anyone else — staff included, who have households' own audited views — gets NOT_ON_TEAM."""
    task = task_get(actor=actor, task_id=task_id)
    if not on_team(actor, task) or task.status not in REVEAL_STATUSES:
        raise VolunteeringError(E.NOT_ON_TEAM)
    if task.household_id is None:
        raise VolunteeringError(E.NO_ADDRESS)
    data = integrations.personal_data_read(actor=actor, household=task.household, fields=["address"],
                                           purpose=f"task:{task.id}")
    return str(data.get("address") or "")
