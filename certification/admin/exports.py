"""Exports of held certifications for personnel records (CSV and XLSX)."""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils import timezone

from accounts.audit import audit_record
from accounts.exports import private_no_store, safe_row
from accounts.fiscal import fiscal_year_label
from accounts.models import AuditAction

from .. import selectors
from ..pdf import certificate_number


class CertificationExportsMixin:
    # Exports -------------------------------------------------------------------------
    EXPORT_HEADER = (
        "所属コード",
        "所属",
        "職員番号",
        "氏名",
        "フリガナ",
        "職位",
        "認定レベル",
        "認定年度",
        "状態",
        "認定方法",
        "認定日",
        "認定番号",
    )

    def _export_rows(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        qs = selectors.held_certifications_for_export()
        department = request.GET.get("department")
        if department and department.isdigit():
            qs = qs.filter(user__department_id=int(department))
        for cert in qs.iterator(chunk_size=2000):
            user = cert.user
            yield safe_row(
                (
                    user.department.code if user.department else "",
                    user.department.name if user.department else "",
                    user.employee_number or "",
                    user.full_name,
                    user.full_name_kana,
                    user.get_grade_display() if user.grade else "",
                    cert.get_level_display(),
                    fiscal_year_label(cert.fiscal_year),
                    cert.get_status_display(),
                    cert.get_source_display(),
                    cert.decided_on.isoformat(),
                    certificate_number(cert),
                )
            )

    def _filename(self, ext):
        return f"certifications-{timezone.localdate():%Y%m%d}.{ext}"

    def export_csv(self, request):
        """Held certifications as CSV, UTF-8 with BOM (Excel opens it as UTF-8)."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.EXPORT_HEADER)
        rows = list(self._export_rows(request))
        writer.writerows(rows)
        response = HttpResponse(
            ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self._filename("csv")}"'
        self._record_export(request, "csv", len(rows))
        return private_no_store(response)

    def _record_export(self, request, fmt: str, count: int) -> None:
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            request=request,
            detail={"what": "certifications", "format": fmt, "rows": count},
        )

    def export_xlsx(self, request):
        """Held certifications as XLSX: one sheet for everyone, one per department."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        from openpyxl import Workbook

        workbook = Workbook()
        everyone = workbook.active
        everyone.title = "全体"
        everyone.append(self.EXPORT_HEADER)
        sheets = {}
        count = 0
        for row in self._export_rows(request):
            count += 1
            everyone.append(row)
            key = row[1] or "所属なし"
            if key not in sheets:
                title = "".join(c for c in key if c not in "[]:*?/\\")[:31] or "所属"
                sheets[key] = workbook.create_sheet(title=title)
                sheets[key].append(self.EXPORT_HEADER)
            sheets[key].append(row)
        for sheet in workbook.worksheets:
            sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{self._filename("xlsx")}"'
        self._record_export(request, "xlsx", count)
        return private_no_store(response)
