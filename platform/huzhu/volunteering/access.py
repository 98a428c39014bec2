"""Who may see and do what with service tasks, on top of people.access (the one permission layer).

- Managers of a task: the lead, and staff, social workers and administrators whose role covers the task's
  region. They create, open, cancel, check in by hand, adjust and confirm hours.
- Volunteers see the non-draft tasks under the regions where they hold the volunteer role, and the tasks
  they are (or were) on.
- The team of a task (its lead and its claimed volunteers) may read the household's address.
- The QR code is shown to the lead only: the lead is the one standing at the door.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from huzhu.people import access
from huzhu.people.models import Role

if TYPE_CHECKING:
    from .models import ServiceTask

MANAGER_ROLES = (Role.ADMINISTRATOR, Role.WORKSTATION_STAFF, Role.SOCIAL_WORKER)


def task_scope_q(actor: Any) -> Q:
    """Tasks the actor may see (as a Q on ServiceTask)."""
    from .models import ServiceTask, TaskClaim

    if actor is None or not getattr(actor, "is_authenticated", False):
        return Q(pk__in=[])
    if actor.is_superuser:
        return Q()
    managed = access.region_filter(actor, MANAGER_ROLES, "region")
    browsing = access.region_filter(actor, [Role.VOLUNTEER], "region") & ~Q(status=ServiceTask.Status.DRAFT)
    on_it = Exists(TaskClaim.objects.filter(task_id=OuterRef("pk"), volunteer_id=actor.pk))
    return managed | browsing | Q(lead_id=actor.pk) | Q(on_it)


def can_manage(actor: Any, task: ServiceTask) -> bool:
    return task.lead_id == actor.pk or access.has_role(actor, MANAGER_ROLES, task.region)


def can_manage_region(actor: Any, region: Any) -> bool:
    return access.has_role(actor, MANAGER_ROLES, region)


def is_lead(actor: Any, task: ServiceTask) -> bool:
    return task.lead_id == actor.pk


def is_rules_admin(actor: Any) -> bool:
    """The rules are district-wide: an administrator at a district (top-level) region, or a superuser."""
    if actor.is_superuser:
        return True
    return any(path.count(".") == 1 for path in access.scope_paths(actor, [Role.ADMINISTRATOR]))
