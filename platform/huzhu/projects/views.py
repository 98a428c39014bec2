"""Plain HTTP of charity projects: the public disclosure page, staff exports, attachment upload and download."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from huzhu.core.errors import ServiceError
from huzhu.giving.amounts import yuan
from huzhu.giving.taxonomy import NeedCategory

from . import exports, selectors, services
from .errors import ProjectErrorCode
from .models import BeneficiaryGroup, BudgetLine, CharityProject, ProjectAttachment, Tranche


@require_GET
def disclosure(request: HttpRequest, project_id: int) -> HttpResponse:
    """慈善信息公开 of one project: no login, no personal data. Only approved, completed or closed projects."""
    d = selectors.public_disclosure(project_id=project_id)
    if d is None:
        raise Http404
    p = d.project
    context = {
        "p": p, "d": d,
        "status": CharityProject.Status(p.status).label,
        "category": NeedCategory(p.category).label,
        "groups": "、".join(str(BeneficiaryGroup(g).label) for g in p.beneficiary_groups
                           if g in BeneficiaryGroup.values),
        "budget_total": yuan(d.funding.budget_total_fen), "grant": yuan(d.funding.grant_fen),
        "released": yuan(d.funding.released_fen), "donations": yuan(d.funding.donations_fen),
        "spent": yuan(d.funding.spent_fen), "balance": yuan(d.funding.balance_fen),
        "income": [(line, yuan(line.amount_fen)) for line in d.income],
        "tranches": [(t, yuan(t.amount_fen), Tranche.Status(t.status).label) for t in d.tranches],
        "lines": [(row, BudgetLine.Category(row.line.category).label, yuan(row.budget_fen), yuan(row.spent_fen))
                  for row in d.lines],
        "generated_at": d.generated_at.strftime("%Y-%m-%d %H:%M") if d.generated_at else "",
    }
    return render(request, "projects/disclosure.html", context)


@require_GET
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    """Staff exports (foundation reviewers, administrators, workstation staff; rows of their regions)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    if kind not in selectors.EXPORT_KINDS or fmt not in exports.FORMATS:
        raise Http404
    try:
        return exports.export_response(actor=request.user, kind=kind, fmt=fmt)
    except ServiceError as exc:
        if exc.code == ProjectErrorCode.PERMISSION_DENIED:
            return HttpResponse(status=403)
        raise Http404 from None


def _error(exc: ServiceError, status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": [{"code": exc.code, "field": exc.field, "message": exc.message}]}, status=status)


@require_POST
def attachment_upload(request: HttpRequest, project_id: int) -> HttpResponse:
    """multipart/form-data with `file` (and optionally `reportId`); CSRF-protected like every session POST."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    upload = request.FILES.get("file")
    if upload is None:
        return _error(ServiceError(ProjectErrorCode.REQUIRED, field="file"))
    raw_report = request.POST.get("reportId") or ""
    try:
        attachment = services.attachment_add(actor=request.user, project_id=project_id, upload=upload,
                                             report_id=int(raw_report) if raw_report.isdigit() else None)
    except ServiceError as exc:
        return _error(exc, 404 if exc.code == ProjectErrorCode.NOT_FOUND else 400)
    return JsonResponse({"id": attachment.pk, "name": attachment.name, "size": attachment.size,
                         "contentType": attachment.content_type}, status=201)


@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """Whoever may see the project may download its files (as an attachment, never rendered inline)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    attachment = ProjectAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        selectors.project_get(actor=request.user, project_id=attachment.project_id)
    except ServiceError:
        raise Http404 from None
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
