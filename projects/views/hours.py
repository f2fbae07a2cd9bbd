"""Activity hours (業務外活動の記録, issue 12): the member's log and weekly totals, the
所属長's view of their staff, the organiser's totals and export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import audit_record
from accounts.exports import csv_response, xlsx_response
from accounts.fiscal import fiscal_year_label, fiscal_year_of, number_label
from accounts.models import AuditAction
from accounts.permissions import is_department_head

from .. import selectors_hours as hours
from .. import services
from ..exceptions import ProjectError
from ..forms_hours import ActivityLogForm, HoursYearForm
from ..models import Project, Team
from ..selectors_hours import week_start, week_total_of
from ._common import _run, organiser_required, staff_required


def _year_form(request, years, default):
    form = HoursYearForm(
        request.GET if "fiscal_year" in request.GET else None,
        years=years,
        year_label=fiscal_year_label,
        initial={"fiscal_year": default},
    )
    return form, form.year(default)


def _warn_if_over(request, log) -> None:
    """Tell the member at once when the entry's week is over the project's cap."""
    cap = log.project.weekly_hours_cap
    if cap is None:
        return
    total = week_total_of(
        user_id=log.user_id, project=log.project, starts_on=week_start(log.worked_on)
    )
    if hours.is_over(total, cap):
        messages.warning(
            request,
            _(
                "%(week)s の活動時間が合計 %(total)s 時間となり、上限（週 %(cap)s 時間）を"
                "超えました。所属長に通知されます。"
            )
            % {
                "week": hours.week_label(week_start(log.worked_on)),
                "total": number_label(total),
                "cap": number_label(cap),
            },
        )


@staff_required
def hours_mine(request):
    """The member's page: log hours, weekly totals with the cap, their entries."""
    memberships = list(hours.loggable_memberships(request.user))
    teams = Team.objects.filter(pk__in=[m.team_id for m in memberships]).select_related("project")
    form = None
    if memberships:
        initial = {"worked_on": timezone.localdate()}
        if len(memberships) == 1:
            initial["team"] = memberships[0].team_id
        form = ActivityLogForm(request.POST or None, teams=teams, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                log = services.activity_log_create(by=request.user, **form.cleaned_data)
            except ProjectError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("活動時間を記録しました。"))
                _warn_if_over(request, log)
                return redirect("projects:hours_mine")
    elif request.method == "POST":
        messages.error(request, _("活動時間を記録できるチームがありません。"))
    years = hours.hours_years_of(request.user)
    default = years[0] if years else fiscal_year_of()
    year_form, year = _year_form(request, years, default)
    weeks = hours.my_weeks(request.user, fiscal_year=year)
    logs = list(hours.my_logs(request.user, fiscal_year=year))
    for log in logs:
        log.editable = log.project.status not in (Project.Status.DRAFT, Project.Status.CLOSED)
    return render(
        request,
        "projects/hours_mine.html",
        {
            "form": form,
            "year_form": year_form if len(years) > 1 else None,
            "year": year,
            "weeks": weeks,
            "over_weeks": [w for w in weeks if w.over],
            "logs": logs,
            "is_head": is_department_head(request.user),
        },
    )


@staff_required
def hours_edit(request, pk):
    log = hours.own_log(request.user, pk)
    form = ActivityLogForm(
        request.POST or None,
        initial={"worked_on": log.worked_on, "hours": log.hours, "note": log.note},
        submit_label=_("保存"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            log = services.activity_log_update(log=log, by=request.user, **form.cleaned_data)
        except ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("活動時間を更新しました。"))
            _warn_if_over(request, log)
            return redirect("projects:hours_mine")
    return render(request, "projects/hours_edit.html", {"log": log, "form": form})


@staff_required
@require_POST
def hours_delete(request, pk):
    log = hours.own_log(request.user, pk)
    _run(
        request,
        lambda: services.activity_log_delete(log=log, by=request.user),
        _("活動時間の記録を削除しました。"),
    )
    return redirect("projects:hours_mine")


def _programme_year(request):
    """The year filter of the 所属長's and the organiser's pages: by default the newest
    year with logged hours."""
    years = hours.hours_fiscal_years()
    default = hours.default_hours_year() or fiscal_year_of()
    if years and default not in years:
        default = years[0]
    return _year_form(request, years, default)


@staff_required
@require_GET
def hours_staff(request):
    """The 所属長's page: their staff's hours per project and week (their own 課 only)."""
    if not is_department_head(request.user):
        raise PermissionDenied
    year_form, year = _programme_year(request)
    departments, weeks = hours.staff_weeks(request.user, fiscal_year=year)
    return render(
        request,
        "projects/hours_staff.html",
        {
            "year_form": year_form,
            "year": year,
            "departments": departments,
            "weeks": weeks,
            "over_count": sum(w.over for w in weeks),
        },
    )


# --- the organiser -----------------------------------------------------------------------


@organiser_required
@require_GET
def organiser_hours(request):
    year_form, year = _programme_year(request)
    data = hours.programme_hours(fiscal_year=year)
    return render(
        request,
        "projects/hours_organiser.html",
        {
            "year_form": year_form,
            "year": year,
            "teams": data["teams"],
            "departments": data["departments"],
            "weeks_count": len(data["weeks"]),
            "over_count": sum(w.over for w in data["weeks"]),
        },
    )


def _export_sheets(year):
    data = hours.programme_hours(fiscal_year=year)
    week_header = [
        _("職員番号"),
        _("氏名"),
        _("所属"),
        _("年度"),
        _("プロジェクト"),
        _("チーム"),
        _("週（月曜日）"),
        _("週（日曜日）"),
        _("記録した時間"),
        _("研修の時間"),
        _("合計"),
        _("週の上限"),
        _("上限超過"),
    ]
    week_rows = [
        [
            w.user.employee_number if w.user else "",
            w.user.full_name if w.user else "",
            w.user.department.name if w.user and w.user.department else "",
            fiscal_year_label(w.project.fiscal_year) if w.project else "",
            w.project.title if w.project else "",
            w.team.name if w.team else "",
            w.starts_on,
            w.ends_on,
            w.logged,
            w.workshops,
            w.total,
            w.cap if w.cap is not None else "",
            _("超過") if w.over else "",
        ]
        for w in data["weeks"]
    ]
    totals_header = [_("人数"), _("記録した時間"), _("研修の時間"), _("合計"), _("上限超過の週")]

    def totals(t):
        return [t.people_count, t.logged, t.workshops, t.total, t.over_weeks]

    team_rows = [[t.project.title if t.project else "", t.label, *totals(t)] for t in data["teams"]]
    department_rows = [[d.label, *totals(d)] for d in data["departments"]]
    return [
        (_("週別"), week_header, week_rows),
        (_("チーム別"), [_("プロジェクト"), _("チーム"), *totals_header], team_rows),
        (_("所属別"), [_("所属"), *totals_header], department_rows),
    ]


def _audit_export(request, year, fmt) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={"what": "activity_hours", "fiscal_year": year, "format": fmt},
    )


@organiser_required
@require_GET
def organiser_hours_export_csv(request):
    _form, year = _programme_year(request)
    title, header, rows = _export_sheets(year)[0]
    _audit_export(request, year, "csv")
    return csv_response(header=header, rows=rows, filename=f"activity-hours-{year}.csv")


@organiser_required
@require_GET
def organiser_hours_export_xlsx(request):
    _form, year = _programme_year(request)
    sheets = _export_sheets(year)
    _audit_export(request, year, "xlsx")
    return xlsx_response(sheets=sheets, filename=f"activity-hours-{year}.xlsx")
