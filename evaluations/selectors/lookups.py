"""The objects a page works on, looked up by id (404 when missing), and the organiser's
plain lists. Views read through these, never through the ORM themselves."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from projects.models import Project, Team

from ..models import (
    Criterion,
    LeadershipInvitation,
    LeadershipWindow,
    Presentation,
    ReportMeeting,
    Rubric,
)


def meeting(pk: int) -> ReportMeeting:
    """A report meeting with its project and whoever closed it."""
    return get_object_or_404(ReportMeeting.objects.select_related("project", "closed_by"), pk=pk)


def presentation(pk: int) -> Presentation:
    """A presentation with its meeting, the meeting's project and the team."""
    return get_object_or_404(Presentation.objects.select_related("meeting__project", "team"), pk=pk)


def project(pk: int) -> Project:
    return get_object_or_404(Project, pk=pk)


def team(pk: int) -> Team:
    """A team with its project."""
    return get_object_or_404(Team.objects.select_related("project"), pk=pk)


def window_of(project: Project) -> LeadershipWindow | None:
    """The project's leadership window, if it has one, with whoever closed it."""
    return LeadershipWindow.objects.filter(project=project).select_related("closed_by").first()


def window_of_project(project_pk: int) -> LeadershipWindow:
    """The leadership window of project `project_pk` (404 when it has none)."""
    return get_object_or_404(LeadershipWindow, project_id=project_pk)


def invitation(pk: int) -> LeadershipInvitation:
    return get_object_or_404(LeadershipInvitation.objects.select_related("team"), pk=pk)


def rubric(pk: int) -> Rubric:
    return get_object_or_404(Rubric, pk=pk)


def criterion(pk: int) -> Criterion:
    return get_object_or_404(Criterion.objects.select_related("rubric"), pk=pk)


def meetings_for_organiser() -> list[ReportMeeting]:
    """Every report meeting, newest first, with project and closer."""
    return list(
        ReportMeeting.objects.select_related("project", "closed_by").order_by("-held_on", "-pk")
    )


def projects_with_windows() -> list[Project]:
    """Every project past its draft, with its leadership window (one query)."""
    return list(
        Project.objects.exclude(status=Project.Status.DRAFT)
        .select_related("leadership_window")
        .order_by("-fiscal_year", "title")
    )


def rubrics_overview() -> list[Rubric]:
    """Every rubric with its criteria, each marked `locked` when it has evaluations
    (three queries)."""
    rubrics = list(
        Rubric.objects.prefetch_related("criteria").order_by("-fiscal_year", "perspective")
    )
    used = set(
        Rubric.objects.filter(evaluations__isnull=False).values_list("pk", flat=True).distinct()
    )
    for item in rubrics:
        item.locked = item.pk in used
    return rubrics
