"""Organiser pages: report meetings, leadership windows, invitations, rubrics."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions as roles
from accounts.fiscal import fiscal_year_label, fiscal_year_of

from .. import selectors, services
from ..exceptions import EvaluationError
from ..forms import (
    CriterionForm,
    FiscalYearForm,
    InvitationForm,
    MaterialsForm,
    MeetingForm,
    PresentationForm,
    WindowOpenForm,
)
from ..selectors import lookups
from ._common import _service_call, role_required


@role_required(roles.is_organiser)
def organiser_meeting_list(request):
    meetings = lookups.meetings_for_organiser()
    projects = lookups.projects_with_windows()
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
    meeting = lookups.meeting(pk)
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
    meeting = lookups.meeting(pk)
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
    presentation = lookups.presentation(pk)
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
    presentation = lookups.presentation(pk)
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
    meeting = lookups.meeting(pk)
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
    meeting = lookups.meeting(pk)
    _service_call(
        request,
        services.meeting_close,
        _("評価を締め切りました。以後、評価は変更できません。"),
        meeting=meeting,
        by=request.user,
        request=request,
    )
    return redirect("evaluations:organiser_meeting_detail", pk=meeting.pk)


@role_required(roles.is_organiser)
def organiser_meeting_board(request, pk: int):
    meeting = lookups.meeting(pk)
    presentations, rows = selectors.submission_board(meeting=meeting)
    return render(
        request,
        "evaluations/organiser_meeting_board.html",
        {"meeting": meeting, "presentations": presentations, "rows": rows},
    )


@role_required(roles.is_organiser)
def organiser_window_detail(request, project_pk: int):
    project = lookups.project(project_pk)
    window = lookups.window_of(project)
    overview = selectors.window_overview(window=window) if window else []
    candidates = selectors.invitation_candidates(overview=overview)
    for row in overview:
        row["form"] = InvitationForm(
            candidates=candidates[row["team"].pk], prefix=f"t{row['team'].pk}"
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
    project = lookups.project(project_pk)
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
    window = lookups.window_of_project(project_pk)
    _service_call(
        request,
        services.window_close,
        _("リーダーシップ評価を締め切りました。"),
        window=window,
        by=request.user,
        request=request,
    )
    return redirect("evaluations:organiser_window_detail", project_pk=project_pk)


@role_required(roles.is_organiser)
@require_POST
def organiser_invitation_add(request, team_pk: int):
    team = lookups.team(team_pk)
    form = InvitationForm(
        request.POST,
        candidates=selectors.invitation_candidates_for_team(team=team),
        prefix=f"t{team.pk}",
    )
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
    invitation = lookups.invitation(pk)
    _service_call(
        request,
        services.invitation_remove,
        _("招待を取り消しました。"),
        invitation=invitation,
        by=request.user,
    )
    return redirect("evaluations:organiser_window_detail", project_pk=invitation.team.project_id)


# --- organiser: rubrics ------------------------------------------------------------------


@role_required(roles.is_organiser)
def organiser_rubric_list(request):
    rubrics = lookups.rubrics_overview()
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
    rubric = lookups.rubric(pk)
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
    rubric = lookups.rubric(pk)
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
    rubric = lookups.rubric(pk)
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
            **form.english_texts(),
        )
    else:
        messages.error(request, _("入力内容を確認してください。"))
    return redirect("evaluations:organiser_rubric_detail", pk=rubric.pk)


@role_required(roles.is_organiser)
def organiser_criterion_edit(request, pk: int):
    criterion = lookups.criterion(pk)
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
                **form.english_texts(),
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
