"""The 志愿服务记录证明 as a PDF (reportlab), with a CJK font and a QR code that opens the verification page.

Font: reportlab embeds TrueType outlines only. Debian's fonts-noto-cjk ships Noto Sans/Serif CJK as
OpenType/CFF collections, which reportlab cannot embed, so the first TrueType CJK font found is used
(HUZHU_CJK_FONT, then WenQuanYi Zen Hei, Droid Sans Fallback, AR PL UMing, then any Noto CJK file that
happens to be TrueType) and embedded as a subset. When none is installed the certificate falls back to
reportlab's built-in CID font STSong-Light (UnicodeCIDFont), which needs no file: the PDF then names the
font and the reader supplies the glyphs (every PDF reader with Chinese support has them), so that text is
not embedded. `cjk_font()` tells which case applies.
"""

from __future__ import annotations

import glob
import io
import os
from dataclasses import dataclass
from datetime import date

import segno
from django.conf import settings
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

FONT_NAME = "HuzhuCJK"
CID_FALLBACK = "STSong-Light"

_TRUETYPE_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]
_NOTO_GLOBS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK*-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK*-Regular.ttc",
    "/usr/share/fonts/opentype/noto/*CJK*.otf",
    "/usr/share/fonts/truetype/noto/*CJK*.tt[fc]",
]

_registered: tuple[str, str | None] | None = None


def cjk_font() -> tuple[str, str | None]:
    """(font name to use, embedded font file or None for the built-in CID font); registered once."""
    global _registered
    if _registered is not None:
        return _registered
    candidates = [p for p in [os.environ.get("HUZHU_CJK_FONT") or getattr(settings, "HUZHU_CJK_FONT", "")] if p]
    candidates += _TRUETYPE_CANDIDATES
    for pattern in _NOTO_GLOBS:
        candidates += sorted(glob.glob(pattern))
    for path in candidates:
        if not os.path.exists(path):
            continue
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
        except (TTFError, OSError, ValueError):
            continue  # CFF outlines (Noto CJK's OTF/TTC) or a broken file: try the next one
        _registered = (FONT_NAME, path)
        return _registered
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    _registered = (CID_FALLBACK, None)
    return _registered


@dataclass(frozen=True)
class CertificateContent:
    number: str
    holder_name: str
    organisation_name: str
    total_minutes: int
    service_count: int
    first_service: date | None
    last_service: date | None
    issued_on: date
    verify_url: str
    by_organisation: list[tuple[str, int]]


def hours_text(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} 小时 {rest} 分钟" if rest else f"{hours} 小时"


def render_certificate(content: CertificateContent) -> bytes:
    font, _file = cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)  # invariant: same input, same bytes
    pdf.setTitle(f"志愿服务记录证明 {content.number}")
    pdf.setAuthor(content.organisation_name)
    pdf.setSubject(f"{content.holder_name} {hours_text(content.total_minutes)}")
    width, height = A4
    left = 25 * mm

    pdf.setStrokeColor(HexColor("#b22222"))
    pdf.setLineWidth(2)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    pdf.setFillColor(black)
    pdf.setFont(font, 24)
    pdf.drawCentredString(width / 2, height - 45 * mm, "志愿服务记录证明")
    pdf.setFont(font, 10)
    pdf.drawRightString(width - 25 * mm, height - 55 * mm, f"编号:{content.number}")

    pdf.setFont(font, 13)
    y = height - 75 * mm
    period = ""
    if content.first_service and content.last_service:
        period = f"于 {content.first_service:%Y年%m月%d日} 至 {content.last_service:%Y年%m月%d日} 期间"
    lines = [
        f"兹证明 {content.holder_name} {period}",
        f"参加由 {content.organisation_name} 组织的志愿服务,",
        f"经社工确认的服务共 {content.service_count} 次,",
        f"累计志愿服务时长 {hours_text(content.total_minutes)}(合计 {content.total_minutes} 分钟)。",
        "以上时长以时间银行账本记录为准,特此证明。",
    ]
    for line in lines:
        pdf.drawString(left, y, line)
        y -= 10 * mm

    if len(content.by_organisation) > 1:
        y -= 2 * mm
        pdf.setFont(font, 11)
        pdf.drawString(left, y, "按组织单位:")
        y -= 7 * mm
        for name, minutes in content.by_organisation[:12]:
            pdf.drawString(left + 8 * mm, y, f"{name}:{hours_text(minutes)}")
            y -= 6 * mm

    pdf.setFont(font, 13)
    pdf.drawRightString(width - 25 * mm, 75 * mm, f"出具单位:{content.organisation_name}")
    pdf.drawRightString(width - 25 * mm, 65 * mm, f"出具日期:{content.issued_on:%Y年%m月%d日}")

    _draw_qr(pdf, content.verify_url, x=left, y=30 * mm, size=38 * mm)
    pdf.setFont(font, 9)
    pdf.drawString(left + 42 * mm, 45 * mm, "扫描二维码核验本证明")
    pdf.drawString(left + 42 * mm, 39 * mm, content.verify_url[:90])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_qr(pdf: canvas.Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (no raster image, no image library): crisp at any zoom."""
    qr = segno.make(data, error="m")
    matrix = list(qr.matrix)
    border = 2
    count = len(matrix) + 2 * border
    cell = size / count
    pdf.setFillColor(black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + (col_index + border) * cell,
                    y + size - (row_index + border + 1) * cell,
                    cell, cell, stroke=0, fill=1,
                )
