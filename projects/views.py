"""Staff and organiser pages of the BPR projects. Views orchestrate: a form validates, one
service call changes things, a message says what happened. Refusals (`ProjectError`)
become `messages.error` and change nothing."""

import copy
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.fiscal import fiscal_year_label

from . import selectors, services
from .exceptions import ProjectError
from .forms import (
    AttendanceForm,
    MeasuredEffectForm,
    ProjectFilterForm,
    ProjectForm,
    TeamProposeForm,
    WorksheetForm,
    WorkshopForm,
)
from .models import Membership, Project, Team, Worksheet
from .permissions import (
    can_edit_worksheet,
    can_manage_projects,
    can_propose_team,
    can_see_staff_pages,
    can_withdraw,
    team_takes_applications,
)

PAGE_SIZE = 20


def staff_required(view):
    """City staff only: anonymous → login, external experts and others → 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_see_staff_pages(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def organiser_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_projects(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _run(request, action, success: str) -> bool:
    """Call `action()`; show `success` or the refusal. True when it succeeded."""
    try:
        action()
    except ProjectError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


# --- staff pages ----------------------------------------------------------------------


@staff_required
def project_list(request):
    years = selectors.visible_fiscal_years(request.user)
    form = ProjectFilterForm(request.GET or None, years=years, year_label=fiscal_year_label)
    projects = selectors.projects_visible_to(request.user, **form.filters())
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@staff_required
def project_detail(request, pk):
    project = selectors.project_detail(request.user, pk)
    mine = selectors.live_membership_in(request.user, project)
    teams = list(project.teams.all())
    eligible = mine is None and can_propose_team(request.user, project)
    for team in teams:
        team.live_members = list(team.memberships.all())
        team.leader = next((m for m in team.live_members if m.role == "leader"), None)
        team.user_can_apply = eligible and team_takes_applications(team)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "teams": teams,
            "mine": mine,
            "can_propose": eligible,
            "can_withdraw": mine is not None and can_withdraw(request.user, mine),
        },
    )


@staff_required
def team_propose(request, pk):
    project = selectors.project_detail(request.user, pk)
    form = TeamProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_propose(project=project, by=request.user, **form.cleaned_data)
        except ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("チーム「%(name)s」を提案しました。承認をお待ちください。") % {"name": team.name},
            )
            return redirect("projects:team_detail", pk=team.pk)
    return render(request, "projects/team_propose.html", {"project": project, "form": form})


@staff_required
@require_POST
def membership_apply(request, pk):
    team = selectors.team_detail(request.user, pk)
    _run(
        request,
        lambda: services.membership_apply(team=team, by=request.user),
        _("チーム「%(name)s」に参加を申請しました。承認をお待ちください。") % {"name": team.name},
    )
    return redirect("projects:project_detail", pk=team.project_id)


@staff_required
@require_POST
def membership_withdraw(request, pk):
    membership = selectors.own_membership(request.user, pk)
    if membership.role == Membership.Role.LEADER:
        success = _("チーム「%(name)s」の提案を取り下げました。") % {"name": membership.team.name}
    else:
        success = _("チーム「%(name)s」への参加を辞退しました。") % {"name": membership.team.name}
    _run(
        request,
        lambda: services.membership_withdraw(membership=membership, by=request.user),
        success,
    )
    return redirect("projects:project_detail", pk=membership.team.project_id)


@staff_required
def team_detail(request, pk):
    team = selectors.team_detail(request.user, pk)
    worksheet = getattr(team, "worksheet", None)
    members = list(team.memberships.all())
    return render(
        request,
        "projects/team_detail.html",
        {
            "team": team,
            "project": team.project,
            "worksheet": worksheet,
            "effects": list(worksheet.effects.all()) if worksheet else [],
            "members": members,
            "can_edit": can_edit_worksheet(request.user, team),
        },
    )


def _editable_team(request, pk) -> Team:
    team = selectors.team_detail(request.user, pk)
    if not can_edit_worksheet(request.user, team):
        raise PermissionDenied
    return team


@staff_required
def worksheet_edit(request, pk):
    team = _editable_team(request, pk)
    worksheet = getattr(team, "worksheet", None) or Worksheet(team=team)
    form = WorksheetForm(request.POST or None, instance=worksheet)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.worksheet_update(team=team, by=request.user, **form.cleaned_data),
            _("ワークシートを保存しました。"),
        )
    ):
        return redirect("projects:team_detail", pk=team.pk)
    return render(
        request,
        "projects/worksheet_edit.html",
        {
            "team": team,
            "form": form,
            "effects": list(worksheet.effects.all()) if worksheet.pk else [],
            "effect_form": MeasuredEffectForm(),
        },
    )


@staff_required
@require_POST
def effect_add(request, pk):
    team = _editable_team(request, pk)
    form = MeasuredEffectForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.measured_effect_add(team=team, by=request.user, **form.cleaned_data),
            _("効果を追加しました。"),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("projects:worksheet_edit", pk=team.pk)


@staff_required
def effect_edit(request, pk):
    effect = selectors.effect_for_edit(request.user, pk)
    team = effect.worksheet.team
    if not can_edit_worksheet(request.user, team):
        raise PermissionDenied
    form = MeasuredEffectForm(request.POST or None, instance=effect, submit_label=_("保存"))
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.measured_effect_update(
                effect=effect, by=request.user, **form.cleaned_data
            ),
            _("効果を更新しました。"),
        )
    ):
        return redirect("projects:worksheet_edit", pk=team.pk)
    return render(request, "projects/effect_edit.html", {"team": team, "form": form})


@staff_required
@require_POST
def effect_delete(request, pk):
    effect = selectors.effect_for_edit(request.user, pk)
    team = effect.worksheet.team
    if not can_edit_worksheet(request.user, team):
        raise PermissionDenied
    _run(
        request,
        lambda: services.measured_effect_delete(effect=effect, by=request.user),
        _("効果を削除しました。"),
    )
    return redirect("projects:worksheet_edit", pk=team.pk)


@staff_required
def my_projects(request):
    return render(
        request,
        "projects/my_projects.html",
        {"memberships": list(selectors.my_memberships(request.user))},
    )


@staff_required
def my_attendance(request):
    return render(
        request,
        "projects/attendance_mine.html",
        {"attendances": list(selectors.my_attendance(request.user))},
    )


# --- organiser pages ------------------------------------------------------------------


@organiser_required
def organiser_project_list(request):
    projects = selectors.projects_for_organiser()
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/organiser_project_list.html", {"page": page})


@organiser_required
def organiser_project_create(request):
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(by=request.user, **form.cleaned_data)
        except ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("プロジェクトを作成しました（準備中）。"))
            return redirect("projects:organiser_project_manage", pk=project.pk)
    return render(request, "projects/organiser_project_form.html", {"form": form})


@organiser_required
def organiser_project_edit(request, pk):
    project = selectors.project_by_pk(pk)
    # The form validates a copy, so that a refused change does not show in the page title.
    form = ProjectForm(request.POST or None, instance=copy.copy(project))
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.project_update(project=project, by=request.user, **form.cleaned_data),
            _("プロジェクトを保存しました。"),
        )
    ):
        return redirect("projects:organiser_project_manage", pk=project.pk)
    return render(
        request, "projects/organiser_project_form.html", {"form": form, "project": project}
    )


@organiser_required
def organiser_project_manage(request, pk):
    project = selectors.project_for_management(pk)
    teams = list(project.teams.all())
    for team in teams:
        team.all_members = list(team.memberships.all())
        # Separation of duties (permissions.can_decide_on_team), from the prefetched rows.
        team.is_own = any(m.user_id == request.user.pk for m in team.all_members)
    return render(
        request,
        "projects/organiser_project_manage.html",
        {
            "project": project,
            "teams": teams,
            "next_status": services.TRANSITIONS.get(project.status),
            "next_label": dict(Project.Status.choices).get(
                services.TRANSITIONS.get(project.status, "")
            ),
            "workshops": list(project.workshops.all()),
        },
    )


@organiser_required
@require_POST
def organiser_project_transition(request, pk):
    project = selectors.project_by_pk(pk)
    target = request.POST.get("to", "")
    label = dict(Project.Status.choices).get(target)
    if label is None:
        messages.error(request, _("変更先の状態が正しくありません。"))
    else:
        _run(
            request,
            lambda: services.project_transition(project=project, to=target, by=request.user),
            _("プロジェクトを「%(status)s」にしました。") % {"status": label},
        )
    return redirect("projects:organiser_project_manage", pk=project.pk)


def _team_action(request, pk, service, success):
    team = selectors.team_by_pk(pk)
    _run(request, lambda: service(team=team, by=request.user), success % {"name": team.name})
    return redirect("projects:organiser_project_manage", pk=team.project_id)


@organiser_required
@require_POST
def organiser_team_approve(request, pk):
    return _team_action(request, pk, services.team_approve, _("チーム「%(name)s」を承認しました。"))


@organiser_required
@require_POST
def organiser_team_reject(request, pk):
    return _team_action(request, pk, services.team_reject, _("チーム「%(name)s」を却下しました。"))


def _membership_action(request, pk, service, success):
    membership = selectors.membership_for_decision(pk)
    _run(
        request,
        lambda: service(membership=membership, by=request.user),
        success % {"name": membership.user.full_name},
    )
    return redirect("projects:organiser_project_manage", pk=membership.project_id)


@organiser_required
@require_POST
def organiser_membership_approve(request, pk):
    return _membership_action(
        request, pk, services.membership_approve, _("%(name)s さんの参加を承認しました。")
    )


@organiser_required
@require_POST
def organiser_membership_reject(request, pk):
    return _membership_action(
        request, pk, services.membership_reject, _("%(name)s さんの参加申請を却下しました。")
    )


@organiser_required
def organiser_workshop_list(request, pk):
    project = selectors.project_by_pk(pk)
    form = WorkshopForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.workshop_create(project=project, **form.cleaned_data),
            _("研修を登録しました。"),
        )
    ):
        return redirect("projects:organiser_workshop_list", pk=project.pk)
    workshops = list(selectors.workshops_of(project))
    return render(
        request,
        "projects/organiser_workshop_list.html",
        {"project": project, "form": form, "workshops": workshops},
    )


@organiser_required
def organiser_attendance(request, pk):
    workshop, members, present = selectors.workshop_for_attendance(pk)
    form = AttendanceForm(
        request.POST or None, members=members, initial={"attended": sorted(present)}
    )
    if request.method == "POST":
        if form.is_valid():
            if _run(
                request,
                lambda: services.attendance_record(
                    workshop=workshop,
                    by=request.user,
                    attended_user_ids=form.cleaned_data["attended"],
                ),
                _("出欠を保存しました。"),
            ):
                return redirect("projects:organiser_workshop_list", pk=workshop.project_id)
        else:
            messages.error(request, _("出欠の入力に誤りがあります。"))
    return render(
        request,
        "projects/organiser_attendance.html",
        {"workshop": workshop, "form": form, "members": members},
    )
