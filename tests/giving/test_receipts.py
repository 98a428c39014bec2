"""Receipts: the PDF (amount in figures and in 大写, verify QR), the public verify page, download, email."""

from __future__ import annotations

import io

import pypdf
from django.core import mail
from django.test import Client

from huzhu.giving.receipts import receipt_email_send, receipt_pdf, receipt_token
from tests.giving.conftest import offline_gift


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_it_prints_the_amount_in_figures_and_in_capital_numerals(alice_staff_north, workstations):
    # given a gift of ¥123.45 from 王小明
    gift = offline_gift(alice_staff_north, workstations["north"], 12345, key="r", donor_name="王小明")
    # when its receipt is rendered
    text = _text(receipt_pdf(gift))
    # then it carries both forms of the amount, the receipt number, the donor and the organisation
    assert "¥123.45" in text
    assert "人民币壹佰贰拾叁元肆角伍分" in text
    assert gift.receipt_number in text
    assert "王小明" in text
    assert "互助社区慈善服务中心" in text


def test_it_verifies_a_receipt_publicly_with_the_donor_masked(alice_staff_north, workstations):
    gift = offline_gift(alice_staff_north, workstations["north"], 12345, key="r", donor_name="王小明")
    page = Client().get(f"/giving/receipts/verify/{receipt_token(gift)}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "真实有效" in html and gift.receipt_number in html and "壹佰贰拾叁元肆角伍分" in html
    assert "王小明" not in html and "王**" in html
    # a forged or altered token is refused
    forged = receipt_token(gift).replace(gift.receipt_number, "HZ2026999999")
    assert Client().get(f"/giving/receipts/verify/{forged}").status_code == 404
    assert Client().get("/giving/receipts/verify/garbage").status_code == 404


def test_it_lets_only_the_donor_and_their_staff_download_the_receipt(alice_staff_north, carol_staff_south,
                                                                    dora_donor, workstations):
    gift = offline_gift(alice_staff_north, workstations["north"], 500, key="r", donor_email=dora_donor.email)
    url = f"/giving/receipts/{gift.pk}.pdf"
    assert Client().get(url).status_code == 401
    for user, status in ((dora_donor, 200), (alice_staff_north, 200), (carol_staff_south, 404)):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_it_emails_the_receipt_pdf_to_the_donor(alice_staff_north, dora_donor, workstations):
    gift = offline_gift(alice_staff_north, workstations["north"], 100, key="r", donor_email=dora_donor.email)
    assert receipt_email_send(donation_id=gift.pk) is True
    message = mail.outbox[-1]
    assert message.to == [dora_donor.email]
    assert gift.receipt_number in message.subject and "壹元整" in message.body
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and "壹元整" in _text(content)
