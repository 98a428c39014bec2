"""Pages of the time bank outside GraphQL: the public certificate verification page and the PDF download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huzhu.people import access

from .certificates import certificate_pdf, certificate_verify
from .models import Certificate
from .pdf import hours_text
from .services import FRONTLINE


@require_GET
def certificate_verify_page(request: HttpRequest, token: str) -> HttpResponse:
    """Public: anyone who scans the QR code sees whether the certificate matches the ledger (no login)."""
    verification = certificate_verify(token[:1000])
    response = render(request, "timebank/verify.html", {
        "v": verification,
        "certified_hours": hours_text(verification.certified_minutes),
        "ledger_hours": hours_text(verification.ledger_minutes),
    })
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def certificate_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The PDF, for its holder and the frontline staff of the holder's region; anyone else gets 404."""
    user = request.user
    certificate = Certificate.objects.select_related("member__region").filter(pk=certificate_id).first()
    if (certificate is None or not user.is_authenticated
            or not (certificate.member.user_id == user.pk or access.has_role(user, FRONTLINE,
                                                                             certificate.member.region))):
        raise Http404
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
