"""The staff pages: projects, teams, applications, worksheets and effects, my pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.fiscal import fiscal_year_label
from accounts.view_helpers import paginate

from .. import selectors, services
from ..exceptions import ProjectError
from ..forms import (
    MeasuredEffectForm,
    ProjectFilterForm,
    TeamProposeForm,
    WorksheetForm,
)
from ..models import Membership, Team, Worksheet
from ..permissions import (
    can_edit_worksheet,
    can_propose_team,
    can_withdraw,
    team_takes_applications,
)
from ._common import PAGE_SIZE, _run, staff_required


@staff_required
def project_list(request):
    years = selectors.visible_fiscal_years(request.user)
    form = ProjectFilterForm(
        request.GET or None,
        years=years,
        year_label=fiscal_year_label,
        statuses=selectors.visible_statuses(request.user),
    )
    projects = selectors.projects_visible_to(request.user, **form.filters())
    page, query = paginate(request, projects, PAGE_SIZE)
    return render(
        request, "projects/project_list.html", {"form": form, "page": page, "query": query}
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
