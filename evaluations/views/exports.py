"""HR's per-rater results of a meeting and their CSV / XLSX downloads."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions as roles
from accounts.audit import audit_record
from accounts.exports import private_no_store, safe_row
from accounts.models import AuditAction

from .. import selectors
from ..models import (
    REPORT_PERSPECTIVES,
    Perspective,
    ReportMeeting,
)
from ._common import role_required


@role_required(roles.is_programme_admin)
def organiser_meeting_results(request, pk: int):
    meeting = get_object_or_404(ReportMeeting.objects.select_related("project"), pk=pk)
    presentations = list(
        meeting.presentations.select_related("team", "meeting__project").order_by("order")
    )
    aggregates = selectors.presentation_aggregates(presentations=presentations)
    evaluations = selectors.meeting_evaluation_rows(meeting=meeting)
    criteria = selectors.meeting_criteria(meeting=meeting)
    by_presentation: dict[int, list] = {}
    for e in evaluations:
        e.score_map = {s.criterion_id: s.score for s in e.scores.all()}
        e.criterion_scores = [e.score_map.get(c.pk) for c in criteria[e.perspective]]
        by_presentation.setdefault(e.presentation_id, []).append(e)
    rows = [
        {
            "presentation": p,
            "aggregates": [aggregates[p.pk][x] for x in REPORT_PERSPECTIVES],
            "evaluations": by_presentation.get(p.pk, []),
        }
        for p in presentations
    ]
    response = render(
        request,
        "evaluations/organiser_meeting_results.html",
        {"meeting": meeting, "rows": rows, "criteria": criteria},
    )
    return private_no_store(response)


def _export_table(meeting: ReportMeeting) -> tuple[list[str], list[list]]:
    """One row per evaluation: who scored which presentation, each criterion, the 0–100
    score and the comment."""
    criteria = selectors.meeting_criteria(meeting=meeting)
    columns = [
        (perspective, c) for perspective in REPORT_PERSPECTIVES for c in criteria[perspective]
    ]
    header = [
        _("発表順"),
        _("チーム"),
        _("発表タイトル"),
        _("観点"),
        _("評価者"),
        _("所属・会社"),
        *[f"{Perspective(p).label}：{c.label_ja}" for p, c in columns],
        _("得点（0〜100）"),
        _("コメント"),
        _("更新日時"),
    ]
    rows = []
    for e in selectors.meeting_evaluation_rows(meeting=meeting):
        score_map = {s.criterion_id: s.score for s in e.scores.all()}
        who = e.evaluator
        rows.append(
            [
                e.presentation.order,
                e.presentation.team.name,
                e.presentation.title,
                str(Perspective(e.perspective).label),
                who.full_name or who.email,
                who.department.name if who.department else who.affiliation,
                *[score_map.get(c.pk, "") if p == e.perspective else "" for p, c in columns],
                float(e.score),
                e.comment,
                timezone.localtime(e.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return [str(h) for h in header], rows


def _summary_table(meeting: ReportMeeting) -> tuple[list[str], list[list]]:
    presentations = list(
        meeting.presentations.select_related("team", "meeting__project").order_by("order")
    )
    aggregates = selectors.presentation_aggregates(presentations=presentations)
    header = [
        _("発表順"),
        _("チーム"),
        _("観点"),
        _("評価者数"),
        _("平均点"),
        _("標準偏差"),
        _("評価のばらつき"),
    ]
    rows = []
    for p in presentations:
        for perspective in REPORT_PERSPECTIVES:
            agg = aggregates[p.pk][perspective]
            rows.append(
                [
                    p.order,
                    p.team.name,
                    str(agg.perspective_label),
                    agg.count,
                    float(agg.mean) if agg.mean is not None else "",
                    float(agg.stdev) if agg.stdev is not None else "",
                    _("大") if agg.disagreement else "",
                ]
            )
    return [str(h) for h in header], rows


def _record_export(request, meeting: ReportMeeting, fmt: str) -> None:
    """Individual scores left the portal: the 操作ログ says who took them, when, where."""
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target=meeting,
        request=request,
        detail={"what": "report_meeting_evaluations", "format": fmt},
    )


def _export_filename(meeting: ReportMeeting, extension: str) -> str:
    return f"report-meeting-{meeting.project.fiscal_year}-{meeting.pk}.{extension}"


@role_required(roles.is_programme_admin)
@require_GET
def organiser_meeting_export_csv(request, pk: int):
    meeting = get_object_or_404(ReportMeeting.objects.select_related("project"), pk=pk)
    header, rows = _export_table(meeting)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 Japanese correctly
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(meeting, "csv")}"'
    _record_export(request, meeting, "csv")
    return private_no_store(response)


@role_required(roles.is_programme_admin)
@require_GET
def organiser_meeting_export_xlsx(request, pk: int):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    meeting = get_object_or_404(ReportMeeting.objects.select_related("project"), pk=pk)
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("集計")
    for sheet, (header, rows) in (
        (summary, _summary_table(meeting)),
        (workbook.create_sheet(_("個別評価")), _export_table(meeting)),
    ):
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(safe_row(row))
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(meeting, "xlsx")}"'
    _record_export(request, meeting, "xlsx")
    return private_no_store(response)
