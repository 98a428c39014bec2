"""CSV and XLSX exports of projects, grants and donations for staff, streamed so a large export never sits in
memory: CSV rows are generated as the response is sent (StreamingHttpResponse); XLSX is written row by row by
openpyxl's write-only workbook into a temporary file that is then streamed (FileResponse).

The rows are exactly selectors.export_queryset(actor, kind): one per project, tranche or succeeded donation.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from huzhu.giving.amounts import yuan
from huzhu.giving.taxonomy import NeedCategory
from huzhu.people.models import User

from . import selectors
from .models import CharityProject, Tranche

FORMATS = ("csv", "xlsx")
CHUNK = 500

HEADERS: dict[str, list[str]] = {
    "projects": ["项目编号", "项目名称", "基金会", "申报机构", "服务区域", "领域", "状态", "受益人数", "开始日期",
                 "结束日期", "预算总额(分)", "申请资助(分)", "批准资助(分)", "已拨付资助(分)", "定向捐赠(分)",
                 "已支出(分)", "资金缺口(分)", "提交时间"],
    "grants": ["拨付编号", "项目编号", "项目名称", "节点", "节点日期", "金额(分)", "金额(元)", "状态", "拨付时间"],
    "donations": ["捐赠编号", "到账时间", "项目编号", "项目名称", "金额(分)", "金额(元)", "已退款(分)", "渠道",
                  "捐赠人(已脱敏)", "票据号"],
}


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _chunks(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def _project_rows(qs: Any) -> Iterator[list[Any]]:
    for chunk in _chunks(qs.iterator(chunk_size=CHUNK), CHUNK):
        funding = selectors.fundings(chunk)
        for p in chunk:
            f = funding[p.pk]
            yield [p.pk, p.name, p.foundation.name, p.organisation.name, p.region.name,
                   str(NeedCategory(p.category).label), str(CharityProject.Status(p.status).label),
                   p.beneficiary_count, p.starts_on.isoformat(), p.ends_on.isoformat(), p.budget_total_fen,
                   p.requested_fen, p.approved_fen, f.released_fen, f.donations_fen, f.spent_fen,
                   f.gap_fen if p.status == CharityProject.Status.APPROVED else 0, _when(p.submitted_at)]


def _grant_rows(qs: Any) -> Iterator[list[Any]]:
    for t in qs.iterator(chunk_size=CHUNK):
        yield [t.pk, t.project_id, t.project.name, t.milestone.title, t.milestone.due_on.isoformat(), t.amount_fen,
               yuan(t.amount_fen), str(Tranche.Status(t.status).label), _when(t.released_at)]


def _donation_rows(qs: Any, names: dict[int, str]) -> Iterator[list[Any]]:
    from huzhu.giving.models import Donation
    from huzhu.giving.receipts import donor_display

    for d in qs.iterator(chunk_size=CHUNK):
        yield [d.pk, _when(d.succeeded_at), d.fund.project_id, names.get(d.fund.project_id or 0, ""),
               d.amount_fen, yuan(d.amount_fen), d.refunded_fen, str(Donation.Channel(d.channel).label),
               donor_display(d, masked=True), d.receipt_number or ""]


def rows(*, actor: User, kind: str) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and the rows of an export (PERMISSION_DENIED / EXPORT_UNKNOWN raised before any row)."""
    qs = selectors.export_queryset(actor=actor, kind=kind)
    if kind == "projects":
        return HEADERS[kind], _project_rows(qs)
    if kind == "grants":
        return HEADERS[kind], _grant_rows(qs)
    names = dict(selectors.export_projects_scope(actor=actor).values_list("id", "name"))
    return HEADERS[kind], _donation_rows(qs, names)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(header: list[str], body: Iterator[list[Any]], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so that Excel opens the UTF-8 Chinese text correctly
        yield writer.writerow(header)
        for row in body:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(header: list[str], body: Iterator[list[Any]], filename: str, title: str) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    sheet.append(header)
    for row in body:
        sheet.append(row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when the response is done)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


SHEET_TITLES = {"projects": "慈善项目", "grants": "资助拨付", "donations": "定向捐赠"}


def export_response(*, actor: User, kind: str, fmt: str) -> Any:
    header, body = rows(actor=actor, kind=kind)
    filename = f"huzhu-{kind}-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        return csv_response(header, body, filename)
    return xlsx_response(header, body, filename, SHEET_TITLES[kind])

