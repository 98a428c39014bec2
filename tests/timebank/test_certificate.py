"""The 志愿服务记录证明: a PDF with the confirmed hours from the ledger and a QR code to a public page that
verifies it by a signed token."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from huzhu.core.errors import ServiceError
from huzhu.timebank.certificates import certificate_pdf, certificate_token, certificate_verify, verify_path
from huzhu.timebank.models import Certificate
from huzhu.timebank.pdf import cjk_font
from huzhu.timebank.services import certificate_issue, reverse_earning

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(earn: Any, bob_volunteer_north: Any) -> Any:
    """bob served 2 h 30 min and 10 h with the north centre, and 1 h with another organisation."""
    earn(bob_volunteer_north, 150, "s1", service_date=date(2026, 1, 10))
    earn(bob_volunteer_north, 600, "s2", service_date=date(2026, 2, 20))
    earn(bob_volunteer_north, 60, "s3", org="南街道志愿者协会", service_date=date(2026, 3, 1))
    return bob_volunteer_north


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_it_issues_a_pdf_with_the_confirmed_hours(served: Any, settings: Any) -> None:
    # when bob asks for his certificate
    certificate = certificate_issue(actor=served)
    data = certificate_pdf(certificate)
    # then it is a PDF in the platform organisation's name with his 13 h 30 min from the ledger
    assert data.startswith(b"%PDF")
    assert (certificate.total_minutes, certificate.service_count) == (810, 3)
    assert certificate.organisation_name == settings.HUZHU_ORGANISATION_NAME
    text = pdf_text(data)
    assert "810" in text
    assert re.search(r"13\s*小时\s*30\s*分钟", text), text
    assert "志愿服务记录证明" in text
    # and a CJK TrueType font is embedded (the Makefile's system-deps installs fonts-wqy-zenhei), not merely named
    font, path = cjk_font()
    assert path is not None, "no TrueType CJK font installed: run `make system-deps`"
    assert b"/FontFile2" in data


def test_it_issues_in_the_name_of_the_organisation_that_ran_the_service(served: Any) -> None:
    certificate = certificate_issue(actor=served, organisation_name="南街道志愿者协会")
    assert (certificate.organisation_name, certificate.total_minutes, certificate.service_count) == (
        "南街道志愿者协会", 60, 1)
    assert "南街道志愿者协会" in pdf_text(certificate_pdf(certificate))


def test_it_gives_the_same_certificate_until_the_ledger_changes(served: Any, earn: Any) -> None:
    first = certificate_issue(actor=served)
    assert certificate_issue(actor=served).pk == first.pk
    earn(served, 30)
    assert certificate_issue(actor=served).pk != first.pk


def test_it_refuses_a_certificate_without_confirmed_service(earn: Any, bob_volunteer_north: Any,
                                                            alice_staff_north: Any) -> None:
    earn(bob_volunteer_north, 60, "only")
    reverse_earning(idempotency_key="only", actor=alice_staff_north, reason="错误")
    with pytest.raises(ServiceError) as exc:
        certificate_issue(actor=bob_volunteer_north)
    assert exc.value.code == "NO_SERVICE"
    assert Certificate.objects.count() == 0


def test_it_verifies_the_qr_token_against_the_ledger_on_a_public_page(served: Any) -> None:
    # given an issued certificate
    certificate = certificate_issue(actor=served)
    # when anyone (not logged in) opens the QR code's page
    response = Client().get(verify_path(certificate))
    # then it says valid, with the name's initial, the hours and the issue date
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-status="valid"' in body
    assert 'data-minutes="810"' in body and 'data-ledger-minutes="810"' in body
    assert "13 小时 30 分钟" in body
    assert served.email not in body
    assert date.today().isoformat() in body


def test_it_puts_the_verification_url_in_the_pdfs_qr_code(served: Any, settings: Any) -> None:
    certificate = certificate_issue(actor=served)
    text = pdf_text(certificate_pdf(certificate))
    # the URL is printed under the QR code, which encodes the same URL
    assert (settings.PUBLIC_BASE_URL + verify_path(certificate))[:90] in text.replace("\n", "")
    assert certificate_token(certificate) == certificate_token(certificate)  # one certificate, one QR code


@pytest.mark.parametrize("tamper", ["minutes", "salt", "signature", "garbage"])
def test_it_refuses_a_tampered_token(served: Any, tamper: str) -> None:
    # given a genuine token
    from django.core import signing

    from huzhu.timebank.certificates import SALT
    certificate = certificate_issue(actor=served)
    token = certificate_token(certificate)
    payload, signature = token.rsplit(":", 1)
    if tamper == "minutes":      # claim more hours with the old signature
        forged_payload = signing.b64_encode(f'{{"c":{certificate.pk},"m":99999}}'.encode()).decode()
        token = f"{forged_payload}:{signature}"
    elif tamper == "salt":       # a correctly signed token under another salt (another kind of token)
        token = signing.Signer(salt=SALT + "x").sign_object({"c": certificate.pk, "m": certificate.total_minutes})
    elif tamper == "signature":
        token = payload + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]
    else:
        token = "not-a-token"
    # then verification refuses it and the page says invalid
    assert certificate_verify(token).valid is False
    response = Client().get(f"/timebank/certificates/verify/{token}")
    assert response.status_code == 200
    assert 'data-status="invalid"' in response.content.decode()


def test_it_reports_a_certificate_whose_service_was_corrected_since(served: Any, alice_staff_north: Any) -> None:
    # given a certificate, and then one of its services is reversed
    certificate = certificate_issue(actor=served)
    reverse_earning(idempotency_key="s2", actor=alice_staff_north, reason="重复录入")
    # then the page no longer vouches for it
    verification = certificate_verify(certificate_token(certificate))
    assert (verification.valid, verification.status, verification.current_minutes) == (False, "corrected", 210)


def test_it_serves_the_pdf_to_its_holder_and_the_holders_staff_only(
        served: Any, alice_staff_north: Any, carol_staff_south: Any, dave_volunteer_south: Any) -> None:
    certificate = certificate_issue(actor=served)
    url = f"/timebank/certificates/{certificate.pk}.pdf"
    assert Client().get(url).status_code == 404
    for who, status in ((served, 200), (alice_staff_north, 200), (carol_staff_south, 404),
                        (dave_volunteer_south, 404)):
        client = Client()
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
