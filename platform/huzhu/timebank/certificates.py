"""Certificates: the signed token in the QR code, verification against the ledger, and the PDF.

The token is `django.core.signing` over {"c": certificate id, "m": certified minutes} with its own salt, so
a token cannot be forged or altered without SECRET_KEY. Verification then recounts the member's confirmed
minutes from the ledger transfers the certificate counted (up to its last transfer id) and compares; a
later correction (a reversal) of a counted service is reported, since the certificate then overstates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .models import Certificate
from .pdf import CertificateContent, render_certificate
from .services import confirmed_service_from_ledger

SALT = "huzhu.timebank.certificate.v1"


def certificate_token(certificate: Certificate) -> str:
    # A plain Signer (no timestamp): the same certificate always has the same QR code.
    return signing.Signer(salt=SALT).sign_object({"c": certificate.pk, "m": certificate.total_minutes})


def verify_path(certificate: Certificate) -> str:
    return f"/timebank/certificates/verify/{certificate_token(certificate)}"


def verify_url(certificate: Certificate) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + verify_path(certificate)


def certificate_number(certificate: Certificate) -> str:
    return f"TB{timezone.localtime(certificate.issued_at):%Y%m%d}{certificate.pk:06d}"


def name_initial(name: str) -> str:
    """"王小明" → "王**"; "Bob Smith" → "B***" — enough to recognise, not enough to identify."""
    name = (name or "").strip()
    if not name:
        return "*"
    return name[0] + "*" * max(1, min(len(name) - 1, 3))


@dataclass(frozen=True)
class Verification:
    valid: bool
    status: str  # "valid", "corrected" (a counted service was reversed since), "mismatch", "invalid"
    number: str = ""
    initial: str = ""
    organisation_name: str = ""
    certified_minutes: int = 0
    ledger_minutes: int = 0
    current_minutes: int = 0
    issued_on: date | None = None


def certificate_verify(token: str) -> Verification:
    """Check a token from a QR code: its signature, then the certified minutes against the ledger."""
    try:
        claim = signing.Signer(salt=SALT).unsign_object(token)
        certificate_id, minutes = int(claim["c"]), int(claim["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Verification(valid=False, status="invalid")
    certificate = Certificate.objects.select_related("member").filter(pk=certificate_id).first()
    if certificate is None or certificate.total_minutes != minutes:
        return Verification(valid=False, status="invalid")
    org = certificate.organisation_name if certificate.only_organisation else None
    as_issued = confirmed_service_from_ledger(
        certificate.member, organisation_name=org, up_to_transfer_id=certificate.last_transfer_id
    )
    now = confirmed_service_from_ledger(certificate.member, organisation_name=org)
    common = dict(
        number=certificate_number(certificate), initial=name_initial(certificate.member.display_name),
        organisation_name=certificate.organisation_name, certified_minutes=certificate.total_minutes,
        ledger_minutes=as_issued.total_minutes, current_minutes=now.total_minutes,
        issued_on=timezone.localtime(certificate.issued_at).date(),
    )
    if as_issued.total_minutes != certificate.total_minutes:
        return Verification(valid=False, status="mismatch", **common)  # type: ignore[arg-type]
    if now.total_minutes < as_issued.total_minutes:  # a counted service was reversed after issue
        return Verification(valid=False, status="corrected", **common)  # type: ignore[arg-type]
    return Verification(valid=True, status="valid", **common)  # type: ignore[arg-type]


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF of an issued certificate (rebuilt on demand from the certificate and the ledger)."""
    org = certificate.organisation_name if certificate.only_organisation else None
    confirmed = confirmed_service_from_ledger(
        certificate.member, organisation_name=org, up_to_transfer_id=certificate.last_transfer_id
    )
    return render_certificate(CertificateContent(
        number=certificate_number(certificate),
        holder_name=certificate.member.display_name,
        organisation_name=certificate.organisation_name,
        total_minutes=certificate.total_minutes,
        service_count=certificate.service_count,
        first_service=confirmed.first_service,
        last_service=confirmed.last_service,
        issued_on=timezone.localtime(certificate.issued_at).date(),
        verify_url=verify_url(certificate),
        by_organisation=confirmed.by_organisation,
    ))
