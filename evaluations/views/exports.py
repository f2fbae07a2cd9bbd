"""HR's per-rater results of a meeting and their CSV / XLSX downloads."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions as roles
from accounts.audit import audit_record
from accounts.exports import csv_response, private_no_store, xlsx_response
from accounts.models import AuditAction

from .. import selectors
from ..models import REPORT_PERSPECTIVES, Perspective, ReportMeeting
from ..selectors import lookups
from ._common import role_required


@role_required(roles.is_programme_admin)
def organiser_meeting_results(request, pk: int):
    meeting = lookups.meeting(pk)
    rows, criteria = selectors.meeting_results(meeting=meeting)
    # Judge severity (decision record 0022): once the meeting is closed, scores are final.
    severity = selectors.meeting_severity(meeting=meeting) if meeting.is_closed else None
    if severity is not None:
        for row in rows:
            row["means"] = severity.means_of(row["presentation"].pk)
    response = render(
        request,
        "evaluations/organiser_meeting_results.html",
        {"meeting": meeting, "rows": rows, "criteria": criteria, "severity": severity},
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
    meeting = lookups.meeting(pk)
    header, rows = _export_table(meeting)
    response = csv_response(header=header, rows=rows, filename=_export_filename(meeting, "csv"))
    _record_export(request, meeting, "csv")
    return response


@role_required(roles.is_programme_admin)
@require_GET
def organiser_meeting_export_xlsx(request, pk: int):
    meeting = lookups.meeting(pk)
    response = xlsx_response(
        sheets=[
            (_("集計"), *_summary_table(meeting)),
            (_("個別評価"), *_export_table(meeting)),
        ],
        filename=_export_filename(meeting, "xlsx"),
    )
    _record_export(request, meeting, "xlsx")
    return response
