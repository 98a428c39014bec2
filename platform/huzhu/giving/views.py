"""Plain HTTP of giving: the Stripe webhook, receipt download and verification, the public disclosure page."""

from __future__ import annotations

import logging

import stripe
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import selectors, stripe_gateway
from .amounts import capital_yuan, yuan
from .errors import GivingError
from .models import Donation
from .receipts import donor_display, receipt_from_token, receipt_pdf
from .services import earmark_label, stripe_event_process

log = logging.getLogger(__name__)


@csrf_exempt  # Stripe cannot send a CSRF token; the signature (HMAC with the endpoint secret) authenticates.
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Verify the Stripe-Signature, then apply the event once. 400 for anything unsigned or forged (nothing
    changes); 200 for an event applied, ignored or seen before; 500 (Stripe retries) if applying failed."""
    try:
        event = stripe_gateway.construct_event(request.body, request.headers.get("Stripe-Signature"))
    except (ValueError, stripe.SignatureVerificationError) as exc:
        log.warning("stripe webhook refused: %s", exc)
        return JsonResponse({"error": "invalid signature"}, status=400)
    outcome = stripe_event_process(event=event)
    return JsonResponse({"received": True, "outcome": outcome})


@require_GET
def receipt_download(request: HttpRequest, donation_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    try:
        donation = selectors.donation_get(actor=request.user, donation_id=donation_id)
    except GivingError:
        raise Http404
    if donation.status != Donation.Status.SUCCEEDED or not donation.receipt_number:
        raise Http404
    response = HttpResponse(receipt_pdf(donation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{donation.receipt_number}.pdf"'
    return response


@require_GET
def receipt_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: anyone holding a receipt can check it. Shows the masked donor name, never more."""
    donation = receipt_from_token(token)
    context: dict[str, object] = {"valid": donation is not None}
    if donation is not None:
        context.update(
            number=donation.receipt_number, amount=yuan(donation.amount_fen),
            amount_capital=capital_yuan(donation.amount_fen), donor=donor_display(donation, masked=True),
            purpose=earmark_label(donation.fund), refunded=yuan(donation.refunded_fen) if donation.refunded_fen else "",
            date=timezone.localtime(donation.succeeded_at or donation.created_at).strftime("%Y-%m-%d"),
        )
    return render(request, "giving/receipt_verify.html", context, status=200 if donation else 404)


@require_GET
def disclosure(request: HttpRequest) -> HttpResponse:
    """慈善信息公开: income and disbursements per project / earmark and month. No login, no personal data."""
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    data = selectors.public_disclosure(year=year)
    context = {
        "d": data, "year": year,
        "income": [(line, yuan(line.amount_fen)) for line in data.income],
        "paid": [(line, yuan(line.amount_fen)) for line in data.disbursements],
        "total_income": yuan(data.total_income_fen), "total_paid": yuan(data.total_disbursed_fen),
        "refunds": yuan(data.refunds_fen),
    }
    return render(request, "giving/disclosure.html", context)
