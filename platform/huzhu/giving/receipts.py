"""Donation receipts (捐赠票据-style PDF): organisation, donor, amount in figures and in 大写, purpose, and a QR
code that opens the public verify page with a signed token, so anyone holding the paper can check it.

The PDF uses reportlab's built-in CID font STSong-Light: Chinese text without shipping a font file (PDF
readers supply the glyphs). The QR code is drawn from segno's module matrix as vector squares.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.utils import timezone
from reportlab.lib.pagesizes import A5, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .amounts import capital_yuan, yuan
from .models import Donation
from .organisation import organisation

FONT = "STSong-Light"
_SALT = "huzhu.giving.receipt"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def receipt_token(donation: Donation) -> str:
    return signing.Signer(salt=_SALT).sign(f"{donation.pk}.{donation.receipt_number}")


def receipt_from_token(token: str) -> Donation | None:
    """The donation a verify token names, or None for a forged, altered or unknown token."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token or "")
    except signing.BadSignature:
        return None
    raw_id, _, number = value.partition(".")
    if not raw_id.isdigit():
        return None
    return (Donation.objects.select_related("fund", "donor")
            .filter(pk=int(raw_id), receipt_number=number, status=Donation.Status.SUCCEEDED).first())


def verify_url(donation: Donation) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/giving/receipts/verify/{receipt_token(donation)}"


def donor_display(donation: Donation, *, masked: bool) -> str:
    """The receipt names the donor; the public verify page masks it (张** / 爱心人士 when anonymous or unknown)."""
    name = donation.donor_name or (donation.donor.display_name if donation.donor else "") or ""
    if not name and donation.donor is not None:
        name = donation.donor.email.split("@")[0]
    if not name:
        return "爱心人士"
    if masked:
        return "爱心人士" if donation.anonymous else name[0] + "*" * min(max(len(name) - 1, 1), 3)
    return name


def receipt_pdf(donation: Donation) -> bytes:
    from .services import earmark_label

    org = organisation()
    font = _font()
    buf = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    pdf.setTitle(f"捐赠票据 {donation.receipt_number}")
    pdf.setAuthor(org.name)
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 50, "公益事业捐赠票据(电子)")
    pdf.setFont(font, 9)
    pdf.drawString(40, height - 72, f"票据号码:{donation.receipt_number}")
    when = timezone.localtime(donation.succeeded_at or donation.created_at)
    pdf.drawRightString(width - 40, height - 72, f"开票日期:{when:%Y年%m月%d日}")
    pdf.line(40, height - 80, width - 40, height - 80)
    rows = [
        ("捐赠人", donor_display(donation, masked=False)),
        ("捐赠项目(用途)", earmark_label(donation.fund)),
        ("捐赠方式", str(Donation.Channel(donation.channel).label)),
        ("金额(小写)", f"¥{yuan(donation.amount_fen)}"),
        ("金额(大写)", f"人民币{capital_yuan(donation.amount_fen)}"),
    ]
    if donation.refunded_fen:
        rows.append(("已退款", f"¥{yuan(donation.refunded_fen)}"))
    y = height - 110
    for label, value in rows:
        pdf.setFont(font, 11)
        pdf.drawString(50, y, f"{label}:")
        pdf.drawString(160, y, value)
        y -= 24
    pdf.setFont(font, 9)
    y -= 6
    lines = (f"接受捐赠单位:{org.name}", f"统一社会信用代码:{org.credit_code}",
             f"地址:{org.address}  电话:{org.phone}", org.bank)
    for line in lines:
        pdf.drawString(50, y, line)
        y -= 14
    pdf.drawString(50, 30, "感谢您的善举。本票据可凭右侧二维码在线查验真伪。")
    _draw_qr(pdf, verify_url(donation), x=width - 150, y=40, size=100)
    pdf.setFont(font, 7)
    pdf.drawCentredString(width - 100, 30, "扫码查验")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _draw_qr(pdf: canvas.Canvas, data: str, *, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m")
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    cell = size / n
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * cell, y + (n - 1 - r) * cell, cell, cell, stroke=0, fill=1)


def receipt_email_send(*, donation_id: int, to: str | None = None) -> bool:
    """Email the receipt PDF to the donor (or `to`). Returns False when there is nobody to send it to."""
    donation = Donation.objects.select_related("fund", "donor").filter(
        pk=donation_id, status=Donation.Status.SUCCEEDED).first()
    if donation is None:
        return False
    address = to or (donation.donor.email if donation.donor else "")
    if not address:
        return False
    org = organisation()
    body = (
        f"{donor_display(donation, masked=False)}:\n\n"
        f"感谢您向{org.name}捐赠人民币 {yuan(donation.amount_fen)} 元({capital_yuan(donation.amount_fen)})。\n"
        f"票据号码:{donation.receipt_number}\n查验地址:{verify_url(donation)}\n\n{org.name}"
    )
    message = EmailMessage(subject=f"捐赠票据 {donation.receipt_number}", body=body, to=[address])
    message.attach(f"receipt-{donation.receipt_number}.pdf", receipt_pdf(donation), "application/pdf")
    message.send()
    return True
