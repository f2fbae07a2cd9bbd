"""Pages of the evaluations app. Views check the role, call one selector or service,
and turn refusals (EvaluationError) into messages. Organiser pages live under
/organiser/ (protected by the MFA middleware)."""

from __future__ import annotations

import csv
import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions as roles
from accounts.exports import safe_row
from accounts.fiscal import fiscal_year_label, fiscal_year_of
from projects.models import Project, Team

from . import selectors, services
from .exceptions import EvaluationError
from .forms import (
    CriterionForm,
    FiscalYearForm,
    InvitationForm,
    MaterialsForm,
    MeetingForm,
    PresentationForm,
    WindowOpenForm,
)
from .models import (
    REPORT_PERSPECTIVES,
    Criterion,
    LeadershipInvitation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
    Rubric,
)
from .permissions import can_download_materials, can_view_team_results
from .rubrics import PERSPECTIVE_HELP


def role_required(predicate):
    """Anonymous → login; a role outside `predicate` → 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _scores_from_post(post) -> dict[str, str]:
    """Every `score_<criterion id>` field as sent; the service checks them all, so a
    forged criterion id is refused with a message rather than silently dropped."""
    return {
        key.removeprefix("score_"): value for key, value in post.items() if key.startswith("score_")
    }


def _criteria_rows(criteria, scores: dict[int, int]):
    return [
        {
            "criterion": c,
            "value": scores.get(c.pk),
            "points": [
                (i, (c.point_labels[i - 1] if len(c.point_labels or []) >= i else ""))
                for i in range(1, 6)
            ],
        }
        for c in criteria
    ]


def _posted_scores(post) -> dict[int, int]:
    result = {}
    for key, value in _scores_from_post(post).items():
        try:
            result[int(key)] = int(value)
        except (TypeError, ValueError):
            continue
    return result


# --- raters: report meetings -------------------------------------------------------------


@role_required(roles.is_rater)
def meeting_list(request):
    meetings = selectors.meetings_for_rater(user=request.user)
    return render(request, "evaluations/meeting_list.html", {"meetings": meetings})


@role_required(roles.is_rater)
def meeting_detail(request, pk: int):
    found = selectors.meeting_for_rater(user=request.user, meeting_id=pk)
    if found is None:
        raise Http404
    meeting, rows = found
    return render(
        request,
        "evaluations/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "perspectives": selectors.rater_perspectives(request.user),
        },
    )


@role_required(roles.is_rater)
def presentation_evaluate(request, pk: int):
    presentation = get_object_or_404(
        Presentation.objects.select_related("meeting__project", "team"), pk=pk
    )
    meeting = presentation.meeting
    mine = selectors.rater_perspectives(request.user)
    wanted = request.POST.get("perspective") or request.GET.get("perspective") or mine[0]
    if wanted not in mine:
        raise Http404
    perspective = wanted
    posted = None
    if request.method == "POST":
        try:
            services.evaluation_submit(
                evaluator=request.user,
                perspective=perspective,
                presentation=presentation,
                scores=_scores_from_post(request.POST),
                comment=request.POST.get("comment", ""),
            )
        except EvaluationError as error:
            messages.error(request, str(error))
            posted = request.POST
        else:
            messages.success(
                request,
                _("「%(title)s」の評価を保存しました。") % {"title": presentation.title},
            )
            return redirect("evaluations:meeting_detail", pk=meeting.pk)
    rows = selectors.presentation_rows_for(user=request.user, presentations=[presentation])
    conflict = rows[0].conflict
    form = selectors.my_evaluation(
        user=request.user,
        perspective=perspective,
        fiscal_year=meeting.project.fiscal_year,
        presentation=presentation,
    )
    scores = _posted_scores(posted) if posted is not None else form.scores
    comment = (
        posted.get("comment", "")
        if posted is not None
        else (form.evaluation.comment if form.evaluation else "")
    )
    editable = meeting.status == ReportMeeting.Status.OPEN and not conflict
    return render(
        request,
        "evaluations/presentation_evaluate.html",
        {
            "presentation": presentation,
            "meeting": meeting,
            "perspective": perspective,
            "perspective_label": Perspective(perspective).label,
            "perspective_help": PERSPECTIVE_HELP[perspective],
            "form": form,
            "rows": _criteria_rows(form.criteria, scores),
            "comment": comment,
            "editable": editable,
            "conflict": conflict,
            "action": reverse("evaluations:presentation_evaluate", args=[presentation.pk]),
            "back_url": reverse("evaluations:meeting_detail", args=[meeting.pk]),
        },
        status=200,
    )


@login_required
def presentation_materials(request, pk: int):
    presentation = get_object_or_404(Presentation, pk=pk)
    if not can_download_materials(request.user, presentation) or not presentation.materials:
        raise Http404
    return FileResponse(
        presentation.materials.open("rb"),
        as_attachment=True,
        filename=presentation.materials.name.rsplit("/", 1)[-1],
    )


# --- staff: leadership evaluation and results --------------------------------------------


@role_required(roles.is_city_staff)
def leadership_list(request):
    targets = selectors.leadership_targets(user=request.user)
    return render(request, "evaluations/leadership_list.html", {"targets": targets})


@role_required(roles.is_city_staff)
def leadership_evaluate(request, team_pk: int):
    target = selectors.leadership_target(user=request.user, team_id=team_pk)
    if target is None:
        raise Http404
    team = target.team
    posted = None
    if request.method == "POST":
        try:
            services.evaluation_submit(
                evaluator=request.user,
                perspective=Perspective.LEADERSHIP,
                team=team,
                scores=_scores_from_post(request.POST),
                comment=request.POST.get("comment", ""),
            )
        except EvaluationError as error:
            messages.error(request, str(error))
            posted = request.POST
        else:
            messages.success(request, _("リーダーシップ評価を保存しました。"))
            return redirect("evaluations:leadership_list")
    form = selectors.my_evaluation(
        user=request.user,
        perspective=Perspective.LEADERSHIP,
        fiscal_year=team.project.fiscal_year,
        team=team,
    )
    scores = _posted_scores(posted) if posted is not None else form.scores
    comment = (
        posted.get("comment", "")
        if posted is not None
        else (form.evaluation.comment if form.evaluation else "")
    )
    return render(
        request,
        "evaluations/leadership_evaluate.html",
        {
            "target": target,
            "team": team,
            "perspective": Perspective.LEADERSHIP,
            "perspective_label": Perspective.LEADERSHIP.label,
            "perspective_help": PERSPECTIVE_HELP[Perspective.LEADERSHIP],
            "form": form,
            "rows": _criteria_rows(form.criteria, scores),
            "comment": comment,
            "editable": target.window.status == LeadershipWindow.Status.OPEN,
            "conflict": False,
            "action": reverse("evaluations:leadership_evaluate", args=[team.pk]),
            "back_url": reverse("evaluations:leadership_list"),
        },
    )


@role_required(roles.is_city_staff)
def my_results(request):
    teams = selectors.my_teams_with_results(user=request.user)
    return render(request, "evaluations/result_list.html", {"teams": teams})


def _radar_data(result: selectors.TeamResult) -> dict:
    """Chart data: per-criterion means (1–5) of each shown perspective."""
    charts = []
    aggregates = list((result.report or {}).values())
    if result.leadership:
        aggregates.append(result.leadership)
    for agg in aggregates:
        if agg.count:
            charts.append(
                {
                    "id": f"radar-{agg.perspective}",
                    "title": str(agg.perspective_label),
                    "labels": [c.label for c in agg.criteria],
                    "values": [float(c.mean) if c.mean is not None else None for c in agg.criteria],
                }
            )
    return {"charts": charts, "datasetLabel": _("平均（1〜5点）")}


@role_required(roles.is_city_staff)
def team_results(request, team_pk: int):
    team = get_object_or_404(Team.objects.select_related("project"), pk=team_pk)
    if not can_view_team_results(request.user, team):
        raise Http404
    result = selectors.team_results(
        team=team, viewer=request.user, full_access=roles.is_programme_admin(request.user)
    )
    return render(
        request,
        "evaluations/team_results.html",
        {"result": result, "team": team, "radar": _radar_data(result)},
    )


# --- organiser: meetings --------------------------------------------------------------------


def _service_call(request, func, success: str, **kwargs) -> bool:
    try:
        func(**kwargs)
    except EvaluationError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


@role_required(roles.is_organiser)
def organiser_meeting_list(request):
    meetings = list(
        ReportMeeting.objects.select_related("project", "closed_by").order_by("-held_on", "-pk")
    )
    projects = list(
        Project.objects.exclude(status=Project.Status.DRAFT)
        .select_related("leadership_window")
        .order_by("-fiscal_year", "title")
    )
    return render(
        request,
        "evaluations/organiser_meeting_list.html",
        {"meetings": meetings, "projects": projects},
    )


@role_required(roles.is_organiser)
def organiser_meeting_create(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(by=request.user, **form.cleaned_data)
        except EvaluationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("報告会を登録しました。"))
            return redirect("evaluations:organiser_meeting_detail", pk=meeting.pk)
    return render(request, "evaluations/organiser_meeting_form.html", {"form": form})


@role_required(roles.is_organiser)
def organiser_meeting_detail(request, pk: int):
    meeting = get_object_or_404(ReportMeeting.objects.select_related("project", "closed_by"), pk=pk)
    presentations = list(meeting.presentations.select_related("team").order_by("order"))
    return render(
        request,
        "evaluations/organiser_meeting_detail.html",
        {
            "meeting": meeting,
            "presentations": presentations,
            "form": PresentationForm(meeting=meeting),
            "materials_form": MaterialsForm(),
        },
    )


@role_required(roles.is_organiser)
@require_POST
def organiser_presentation_add(request, pk: int):
    meeting = get_object_or_404(ReportMeeting, pk=pk)
    form = PresentationForm(request.POST, request.FILES, meeting=meeting)
    if form.is_valid():
        _service_call(
            request,
            services.presentation_add,
            _("発表を追加しました。"),
            meeting=meeting,
            team=form.cleaned_data["team"],
            title=form.cleaned_data["title"],
            materials=form.cleaned_data["materials"],
        )
    else:
        messages.error(request, _("入力内容を確認してください。"))
    return redirect("evaluations:organiser_meeting_detail", pk=meeting.pk)


@role_required(roles.is_organiser)
@require_POST
def organiser_presentation_materials(request, pk: int):
    presentation = get_object_or_404(Presentation, pk=pk)
    form = MaterialsForm(request.POST, request.FILES)
    if form.is_valid():
        _service_call(
            request,
            services.presentation_attach_materials,
            _("発表資料を登録しました。"),
            presentation=presentation,
            materials=form.cleaned_data["materials"],
        )
    else:
        messages.error(request, _("ファイルを選んでください。"))
    return redirect("evaluations:organiser_meeting_detail", pk=presentation.meeting_id)


@role_required(roles.is_organiser)
@require_POST
def organiser_presentation_move(request, pk: int):
    presentation = get_object_or_404(Presentation.objects.select_related("meeting"), pk=pk)
    _service_call(
        request,
        services.presentation_move,
        _("発表順を変更しました。"),
        presentation=presentation,
        up=request.POST.get("direction") == "up",
    )
    return redirect("evaluations:organiser_meeting_detail", pk=presentation.meeting_id)


@role_required(roles.is_organiser)
@require_POST
def organiser_meeting_open(request, pk: int):
    meeting = get_object_or_404(ReportMeeting, pk=pk)
    _service_call(
        request,
        services.meeting_open,
        _("評価の受付を開始しました。"),
        meeting=meeting,
        by=request.user,
    )
    return redirect("evaluations:organiser_meeting_detail", pk=meeting.pk)


@role_required(roles.is_organiser)
@require_POST
def organiser_meeting_close(request, pk: int):
    meeting = get_object_or_404(ReportMeeting, pk=pk)
    _service_call(
        request,
        services.meeting_close,
        _("評価を締め切りました。以後、評価は変更できません。"),
        meeting=meeting,
        by=request.user,
    )
    return redirect("evaluations:organiser_meeting_detail", pk=meeting.pk)


@role_required(roles.is_organiser)
def organiser_meeting_board(request, pk: int):
    meeting = get_object_or_404(ReportMeeting.objects.select_related("project"), pk=pk)
    presentations, rows = selectors.submission_board(meeting=meeting)
    return render(
        request,
        "evaluations/organiser_meeting_board.html",
        {"meeting": meeting, "presentations": presentations, "rows": rows},
    )


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
    return render(
        request,
        "evaluations/organiser_meeting_results.html",
        {"meeting": meeting, "rows": rows, "criteria": criteria},
    )


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


def _export_filename(meeting: ReportMeeting, extension: str) -> str:
    return f"report-meeting-{meeting.project.fiscal_year}-{meeting.pk}.{extension}"


@role_required(roles.is_programme_admin)
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
    return response


@role_required(roles.is_programme_admin)
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
    return response


# --- organiser: leadership windows -------------------------------------------------------


@role_required(roles.is_organiser)
def organiser_window_detail(request, project_pk: int):
    project = get_object_or_404(Project, pk=project_pk)
    window = LeadershipWindow.objects.filter(project=project).select_related("closed_by").first()
    overview = selectors.window_overview(window=window) if window else []
    candidates = selectors.invitation_candidates(overview=overview)
    for row in overview:
        row["form"] = InvitationForm(
            team=row["team"],
            leader=row["leader"],
            candidates=candidates[row["team"].pk],
            prefix=f"t{row['team'].pk}",
        )
    initial = {"closes_on": window.closes_on} if window else {}
    return render(
        request,
        "evaluations/organiser_window_detail.html",
        {
            "project": project,
            "window": window,
            "overview": overview,
            "open_form": WindowOpenForm(initial=initial),
            "year_label": fiscal_year_label(project.fiscal_year),
        },
    )


@role_required(roles.is_organiser)
@require_POST
def organiser_window_open(request, project_pk: int):
    project = get_object_or_404(Project, pk=project_pk)
    form = WindowOpenForm(request.POST)
    if form.is_valid():
        _service_call(
            request,
            services.window_open,
            _("リーダーシップ評価の受付を開始しました。"),
            project=project,
            closes_on=form.cleaned_data["closes_on"],
            by=request.user,
        )
    else:
        messages.error(request, _("締切日を入力してください。"))
    return redirect("evaluations:organiser_window_detail", project_pk=project.pk)


@role_required(roles.is_organiser)
@require_POST
def organiser_window_close(request, project_pk: int):
    window = get_object_or_404(LeadershipWindow, project_id=project_pk)
    _service_call(
        request,
        services.window_close,
        _("リーダーシップ評価を締め切りました。"),
        window=window,
        by=request.user,
    )
    return redirect("evaluations:organiser_window_detail", project_pk=project_pk)


@role_required(roles.is_organiser)
@require_POST
def organiser_invitation_add(request, team_pk: int):
    team = get_object_or_404(Team, pk=team_pk)
    leader = services.team_leader(team)
    form = InvitationForm(request.POST, team=team, leader=leader, prefix=f"t{team.pk}")
    if form.is_valid():
        _service_call(
            request,
            services.invitation_add,
            _("評価者として招待しました。"),
            team=team,
            user=form.cleaned_data["user"],
            by=request.user,
        )
    else:
        messages.error(
            request, _("招待できるのは、リーダーと同じ所属の職員（チームのメンバー以外）です。")
        )
    return redirect("evaluations:organiser_window_detail", project_pk=team.project_id)


@role_required(roles.is_organiser)
@require_POST
def organiser_invitation_remove(request, pk: int):
    invitation = get_object_or_404(LeadershipInvitation.objects.select_related("team"), pk=pk)
    _service_call(
        request, services.invitation_remove, _("招待を取り消しました。"), invitation=invitation
    )
    return redirect("evaluations:organiser_window_detail", project_pk=invitation.team.project_id)


# --- organiser: rubrics ------------------------------------------------------------------


@role_required(roles.is_organiser)
def organiser_rubric_list(request):
    rubrics = list(
        Rubric.objects.prefetch_related("criteria").order_by("-fiscal_year", "perspective")
    )
    used = set(
        Rubric.objects.filter(evaluations__isnull=False).values_list("pk", flat=True).distinct()
    )
    for rubric in rubrics:
        rubric.locked = rubric.pk in used
    return render(
        request,
        "evaluations/organiser_rubric_list.html",
        {
            "rubrics": rubrics,
            "year_form": FiscalYearForm(initial={"fiscal_year": fiscal_year_of()}),
        },
    )


@role_required(roles.is_organiser)
@require_POST
def organiser_rubric_defaults(request):
    form = FiscalYearForm(request.POST)
    if form.is_valid():
        services.rubric_ensure_defaults(fiscal_year=form.cleaned_data["fiscal_year"])
        messages.success(request, _("評価基準を準備しました。"))
    else:
        messages.error(request, _("年度を正しく入力してください。"))
    return redirect("evaluations:organiser_rubric_list")


@role_required(roles.is_organiser)
def organiser_rubric_detail(request, pk: int):
    rubric = get_object_or_404(Rubric, pk=pk)
    return render(
        request,
        "evaluations/organiser_rubric_detail.html",
        {
            "rubric": rubric,
            "criteria": list(rubric.criteria.order_by("order")),
            "locked": services.rubric_is_locked(rubric=rubric),
            "copy_form": FiscalYearForm(initial={"fiscal_year": rubric.fiscal_year + 1}),
            "add_form": CriterionForm(prefix="new"),
        },
    )


@role_required(roles.is_organiser)
@require_POST
def organiser_rubric_copy(request, pk: int):
    rubric = get_object_or_404(Rubric, pk=pk)
    form = FiscalYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("年度を正しく入力してください。"))
        return redirect("evaluations:organiser_rubric_detail", pk=rubric.pk)
    try:
        target = services.rubric_copy(source=rubric, fiscal_year=form.cleaned_data["fiscal_year"])
    except EvaluationError as error:
        messages.error(request, str(error))
        return redirect("evaluations:organiser_rubric_detail", pk=rubric.pk)
    messages.success(request, _("評価基準をコピーしました。"))
    return redirect("evaluations:organiser_rubric_detail", pk=target.pk)


@role_required(roles.is_organiser)
@require_POST
def organiser_criterion_add(request, pk: int):
    rubric = get_object_or_404(Rubric, pk=pk)
    form = CriterionForm(request.POST, prefix="new")
    if form.is_valid():
        data = form.cleaned_data
        _service_call(
            request,
            services.criterion_add,
            _("評価項目を追加しました。"),
            rubric=rubric,
            label_ja=data["label_ja"],
            label_en=data["label_en"],
            description=data["description"],
            weight=data["weight"],
            point_labels=form.point_labels(),
        )
    else:
        messages.error(request, _("入力内容を確認してください。"))
    return redirect("evaluations:organiser_rubric_detail", pk=rubric.pk)


@role_required(roles.is_organiser)
def organiser_criterion_edit(request, pk: int):
    criterion = get_object_or_404(Criterion.objects.select_related("rubric"), pk=pk)
    form = CriterionForm(request.POST or None, initial=CriterionForm.initial_for(criterion))
    if request.method == "POST":
        if "delete" in request.POST:
            if _service_call(
                request,
                services.criterion_delete,
                _("評価項目を削除しました。"),
                criterion=criterion,
            ):
                return redirect("evaluations:organiser_rubric_detail", pk=criterion.rubric_id)
        elif form.is_valid():
            data = form.cleaned_data
            if _service_call(
                request,
                services.criterion_update,
                _("評価項目を更新しました。"),
                criterion=criterion,
                label_ja=data["label_ja"],
                label_en=data["label_en"],
                description=data["description"],
                weight=data["weight"],
                point_labels=form.point_labels(),
            ):
                return redirect("evaluations:organiser_rubric_detail", pk=criterion.rubric_id)
    return render(
        request,
        "evaluations/organiser_criterion_form.html",
        {
            "criterion": criterion,
            "form": form,
            "locked": services.rubric_is_locked(rubric=criterion.rubric),
        },
    )
