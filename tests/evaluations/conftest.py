import datetime
from types import SimpleNamespace

import pytest

from evaluations import services
from evaluations.models import LeadershipWindow, Perspective, ReportMeeting, Rubric
from projects.models import Membership, Project
from tests import factories


def all_scores(perspective: str, point: int = 4, *, year: int = 2024) -> dict[int, int]:
    """Every criterion of the year's rubric scored `point`."""
    rubric = Rubric.objects.get(fiscal_year=year, perspective=perspective)
    return {c.pk: point for c in rubric.criteria.all()}


def scores_from(perspective: str, points: list[int], *, year: int = 2024) -> dict[int, int]:
    rubric = Rubric.objects.get(fiscal_year=year, perspective=perspective)
    return {c.pk: p for c, p in zip(rubric.criteria.order_by("order"), points, strict=True)}


@pytest.fixture
def w(db):
    """A FY2024 project in 報告会 with default rubrics, two approved teams (leader + 2
    members each), an OPEN report meeting presenting both, and an OPEN leadership window."""
    ns = SimpleNamespace()
    ns.project = factories.ProjectFactory(fiscal_year=2024, status=Project.Status.REPORTING)
    services.rubric_ensure_defaults(fiscal_year=2024)
    ns.department = factories.DepartmentFactory()
    ns.leader = factories.UserFactory(department=ns.department)
    ns.team = factories.team_with(project=ns.project, leader=ns.leader, members=2)
    ns.members = [
        m.user
        for m in ns.team.memberships.filter(role=Membership.Role.MEMBER).select_related("user")
    ]
    ns.other_team = factories.team_with(project=ns.project, members=2)
    ns.meeting = factories.ReportMeetingFactory(
        project=ns.project, status=ReportMeeting.Status.OPEN
    )
    ns.presentation = factories.PresentationFactory(meeting=ns.meeting, team=ns.team, order=1)
    ns.other_presentation = factories.PresentationFactory(
        meeting=ns.meeting, team=ns.other_team, order=2
    )
    ns.window = factories.LeadershipWindowFactory(
        project=ns.project,
        status=LeadershipWindow.Status.OPEN,
        closes_on=datetime.date(2025, 3, 20),
    )
    ns.executive = factories.ExecutiveFactory()
    ns.expert = factories.ExpertFactory()
    ns.organiser = factories.UserFactory(roles=["staff", "organiser"])
    ns.hr = factories.UserFactory(roles=["staff", "hr_admin"])
    ns.policy = lambda point=4: all_scores(Perspective.POLICY, point)
    ns.technical = lambda point=4: all_scores(Perspective.TECHNICAL, point)
    ns.leadership = lambda point=4: all_scores(Perspective.LEADERSHIP, point)
    return ns
