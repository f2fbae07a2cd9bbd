"""The organiser pages: projects, their states, teams and members, workshops."""

import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..consent_models import awaiting_head
from ..exceptions import ProjectError
from ..forms import (
    TEAM_MEMBER_FORMS,
    AttendanceForm,
    LeaveEndForm,
    ProjectForm,
    WorkshopForm,
)
from ..models import Project
from ._common import PAGE_SIZE, _run, organiser_required


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
        # 所属長の承認 (issue 12): what still waits for the applicant's head, from the
        # prefetched rows.
        for m in team.all_members:
            m.awaiting_head = awaiting_head(m, project)
        team.awaiting_head = any(m.awaiting_head and m.is_leader for m in team.all_members)
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
    _run(
        request,
        lambda: service(team=team, by=request.user, request=request),
        success % {"name": team.name},
    )
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
        lambda: service(membership=membership, by=request.user, request=request),
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


# --- leave, early end, leader change (issue 14) -------------------------------------------


def _absence_call(request, team, action, data):
    """The one service call of a valid form of the team page; True when it succeeded."""
    membership = data["membership"]
    name = membership.user.full_name
    if action == "leave":
        return _run(
            request,
            lambda: services.membership_leave_add(
                membership=membership,
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                by=request.user,
                request=request,
            ),
            _("%(name)s さんの休止を記録しました。") % {"name": name},
        )
    if action == "end":
        return _run(
            request,
            lambda: services.membership_end(
                membership=membership, ended_on=data["ended_on"], by=request.user, request=request
            ),
            _("%(name)s さんの途中終了を記録しました。") % {"name": name},
        )
    return _run(
        request,
        lambda: services.leader_change(
            team=team, new_leader=membership, on=data["on"], by=request.user, request=request
        ),
        _("リーダーを %(name)s さんに交代しました。") % {"name": name},
    )


@organiser_required
def organiser_team_members(request, pk):
    """An approved team's members: record a leave (休止), an early end, a leader change."""
    team = selectors.team_for_absences(pk)
    members = team.approved_memberships
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        name: form_class(request.POST if name == action else None, members=members)
        for name, form_class in TEAM_MEMBER_FORMS.items()
    }
    if request.method == "POST":
        form = forms.get(action)
        if form is None:
            messages.error(request, _("操作の指定が正しくありません。"))
        elif form.is_valid():
            if _absence_call(request, team, action, form.cleaned_data):
                return redirect("projects:organiser_team_members", pk=team.pk)
        else:
            messages.error(request, _("入力内容に誤りがあります。"))
    today = timezone.localdate()
    for m in members:
        m.on_leave = any(leave.covers(today) for leave in m.leaves.all())
        m.has_ended = m.ended_on is not None and m.ended_on < today
        for leave in m.leaves.all():
            # open-ended or not over yet: the page offers to close or shorten it
            leave.closable = leave.ends_on is None or leave.ends_on >= today
    return render(
        request,
        "projects/organiser_team_members.html",
        {
            "team": team,
            "project": team.project,
            "members": members,
            "forms": forms,
            "is_own": any(m.user_id == request.user.pk for m in members),
            "span": services.project_span(team.project),
        },
    )


@organiser_required
@require_POST
def organiser_leave_end(request, pk):
    """Close an open-ended leave or shorten one (from the team's members page)."""
    leave = selectors.leave_for_end(pk)
    form = LeaveEndForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.membership_leave_end(
                leave=leave, ends_on=form.cleaned_data["ends_on"], by=request.user, request=request
            ),
            _("%(name)s さんの休止終了日を記録しました。")
            % {"name": leave.membership.user.full_name},
        )
    else:
        messages.error(request, _("休止終了日を正しく入力してください。"))
    return redirect("projects:organiser_team_members", pk=leave.membership.team_id)
