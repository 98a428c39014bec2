"""What every projects service shares: who may do what, the audit trail, ledger accounts and transfers."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from huzhu.core.errors import MAX_FEN, ServiceError, check_text
from huzhu.people import access
from huzhu.people.models import Role, User
from ledger import api

from ..errors import ProjectError, ProjectErrorCode
from ..models import CharityProject, ConflictDeclaration, Foundation, OrganisationMember, ProjectEvent

E = ProjectErrorCode

FOUNDATION_ROLES = (Role.FOUNDATION_REVIEWER, Role.ADMINISTRATOR)
# Who sees projects of a region (read-only for staff): the foundation side and the workstations.
OVERSIGHT_ROLES = (Role.FOUNDATION_REVIEWER, Role.ADMINISTRATOR, Role.WORKSTATION_STAFF)
EXTERNAL_INCOME_CODE = "projects:external:income"


# --- who may do what ------------------------------------------------------------------------------------------


def member_org_ids(user: User | None) -> set[int]:
    """Organisations the user belongs to, read once per user object (like access.grants)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_huzhu_project_orgs", None)
    if cached is None:
        cached = set(OrganisationMember.objects.filter(user_id=user.pk).values_list("organisation_id", flat=True))
        user._huzhu_project_orgs = cached  # type: ignore[attr-defined]
    return cached


def forget_memberships(user: User) -> None:
    if hasattr(user, "_huzhu_project_orgs"):
        delattr(user, "_huzhu_project_orgs")


def is_member(user: User | None, organisation_id: int) -> bool:
    return organisation_id in member_org_ids(user)


def is_manager(user: User | None, organisation_id: int) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return OrganisationMember.objects.filter(organisation_id=organisation_id, user_id=user.pk,
                                             role=OrganisationMember.Role.MANAGER).exists()


def can_manage_foundation(user: User | None, foundation: Foundation) -> bool:
    """Foundation reviewers and administrators at the foundation's region or above act for the foundation."""
    return access.has_role(user, FOUNDATION_ROLES, foundation.region)


def is_foundation_reviewer(user: User | None, foundation: Foundation) -> bool:
    """A reviewer of the foundation: holds foundation_reviewer at its region or above (superusers are not
    reviewers by default: scoring needs a person who holds the role)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(role == Role.FOUNDATION_REVIEWER and foundation.region.path.startswith(path)
               for role, path in access.grants(user))


def conflicted(user: User, project: CharityProject) -> bool:
    """A conflict of interest: the user applied for it, belongs to the applying organisation, or declared one."""
    if project.applicant_id == user.pk:
        return True
    if OrganisationMember.objects.filter(organisation_id=project.organisation_id, user_id=user.pk).exists():
        return True
    return ConflictDeclaration.objects.filter(project_id=project.pk, reviewer_id=user.pk).exists()


def project_visible_q(user: User | None) -> Q:
    """Projects the user may see: their organisations' (drafts included), and every non-draft project in a
    region where they hold a foundation, administrator or workstation role."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_superuser:
        return Q()
    q = Q(organisation_id__in=list(member_org_ids(user)))
    paths = access.scope_paths(user, OVERSIGHT_ROLES)
    if paths:
        scoped = Q()
        for path in paths:
            scoped |= Q(region__path__startswith=path)
        q |= scoped & ~Q(status=CharityProject.Status.DRAFT)
    return q


def project_lock(*, actor: User | None, project_id: Any, field: str = "projectId") -> CharityProject:
    """The project, row-locked, if the actor may see it; otherwise NOT_FOUND (like one that does not exist)."""
    if isinstance(project_id, bool) or not isinstance(project_id, int):
        raise ProjectError(E.INVALID, field=field)
    qs = CharityProject.objects.select_for_update(of=("self",)).select_related("region", "foundation__region",
                                                                               "organisation")
    if actor is not None:
        qs = qs.filter(project_visible_q(actor))
    project = qs.filter(pk=project_id).first()
    if project is None:
        raise ProjectError(E.NOT_FOUND, field=field)
    return project


def require_member(actor: User, project: CharityProject) -> None:
    """The applying organisation's side (members only: administrators act for the foundation, and the same
    person must not both report and approve)."""
    if not is_member(actor, project.organisation_id):
        raise ProjectError(E.PERMISSION_DENIED)


def require_foundation(actor: User | None, project: CharityProject) -> None:
    """The actor acts for the project's foundation and has no conflict of interest with the project."""
    if actor is None:
        return
    if not can_manage_foundation(actor, project.foundation):
        raise ProjectError(E.PERMISSION_DENIED)
    if conflicted(actor, project):
        raise ProjectError(E.CONFLICT_OF_INTEREST)


def require_state(project: CharityProject, *states: str) -> None:
    if project.status not in states:
        raise ProjectError(E.WRONG_STATE, params={"status": project.status})


# --- audit trail ---------------------------------------------------------------------------------------------


def event_add(project: CharityProject, actor: User | None, kind: str, **data: Any) -> ProjectEvent:
    return ProjectEvent.objects.create(project=project, actor=actor, kind=kind, data=data)


def notify_users(users: list[User], *, kind: str, title: str, body: str = "", link: str = "") -> None:
    """In-app notifications (pushed live and emailed after commit by realtime)."""
    from huzhu.realtime.services import notify

    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(user=user, kind=kind, title=title[:200], body=body[:2000], link=link)


def project_people(project: CharityProject) -> list[User]:
    """The applicant and the organisation's managers: who hears about decisions and payments."""
    managers = [m.user for m in OrganisationMember.objects.filter(
        organisation_id=project.organisation_id, role=OrganisationMember.Role.MANAGER).select_related("user")]
    return [project.applicant, *managers]


# --- checks ---------------------------------------------------------------------------------------------------


def check_fen(value: Any, *, field: str, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProjectError(E.INVALID, field=field)
    if value < 0 or (value == 0 and not allow_zero) or value > MAX_FEN:
        raise ProjectError(E.OUT_OF_RANGE, field=field)
    return value


def check_key(value: Any, *, field: str = "idempotencyKey") -> str:
    try:
        return check_text(value if isinstance(value, str) else "", field=field, max_length=100, required=True)
    except ServiceError as exc:
        raise ProjectError(E(exc.code), field=field) from None


def text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    """check_text with the projects' error codes (same codes as the common ones)."""
    if value is not None and not isinstance(value, str):
        raise ProjectError(E.INVALID, field=field)
    try:
        return check_text(value or "", field=field, max_length=max_length, required=required)
    except ServiceError as exc:
        raise ProjectError(E(exc.code), exc._message, field=field, params=exc.params) from None


# --- ledger ---------------------------------------------------------------------------------------------------


def ledger_error(exc: api.LedgerError, *, insufficient: ProjectErrorCode) -> ProjectError:
    if exc.code in ("EXCEEDS_CREDITS", "EXCEEDS_CREDIT_LIMIT"):
        return ProjectError(insufficient)
    if exc.code == "IDEMPOTENCY_MISMATCH":
        return ProjectError(E.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
    if exc.code == "AMOUNT_INVALID":
        return ProjectError(E.OUT_OF_RANGE, field="amountFen")
    return ProjectError(E.CONFLICT, str(exc.message))


def cny_transfer(*, insufficient: ProjectErrorCode = E.INSUFFICIENT_PROJECT_FUNDS, **fields: Any) -> int:
    """One CNY transfer in the caller's transaction; a refusal becomes a typed ProjectError."""
    try:
        result = api.transfer(ledger=api.Ledger.CNY, **fields)
    except api.LedgerError as exc:
        raise ledger_error(exc, insufficient=insufficient) from None
    assert result.transfer_id is not None
    return int(result.transfer_id)


def external_income_account_id() -> int:
    account = api.account_open(ledger=api.Ledger.CNY, code=EXTERNAL_INCOME_CODE, name="基金会资助预算来源(外部收入)",
                               group="projects:external", debits_must_not_exceed_credits=False)
    return int(account.pk)


def project_account_id(project: CharityProject) -> int:
    """The project's own CNY account, opened on first use (approval) and remembered on the row."""
    if project.ledger_account_id is None:
        account = api.account_open(ledger=api.Ledger.CNY, code=f"projects:project:{project.pk}",
                                   name=f"项目资金 #{project.pk}", group="projects:project")
        project.ledger_account_id = account.pk
        CharityProject.objects.filter(pk=project.pk).update(ledger_account_id=account.pk)
    return int(project.ledger_account_id)


def line_spent_account_id(line: Any) -> int:
    if line.spent_account_id is None:
        account = api.account_open(ledger=api.Ledger.CNY, code=f"projects:spent:{line.pk}",
                                   name=f"预算科目已支出 #{line.pk}", group="projects:spent")
        line.spent_account_id = account.pk
        type(line).objects.filter(pk=line.pk).update(spent_account_id=account.pk)
    return int(line.spent_account_id)


def donations_account_code(project_id: int) -> str:
    """Where giving.fund_disburse(project_id=...) puts earmarked money (giving.services.funds.used_account_id)."""
    return f"giving:used:project:{project_id}"
