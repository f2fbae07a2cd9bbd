"""Builders for certification tests: teams with scores at closed (or open) meetings."""

import datetime
from decimal import Decimal

from evaluations.models import LeadershipWindow, Perspective, ReportMeeting
from projects.models import Membership, Project
from tests import factories


class Raters:
    """A small pool of raters reused across teams (one evaluation per rater and team)."""

    def __init__(self, executives=3, experts=2, colleagues=4):
        self.executives = [factories.ExecutiveFactory() for _ in range(executives)]
        self.experts = [factories.ExpertFactory() for _ in range(experts)]
        self.colleagues = [factories.UserFactory() for _ in range(colleagues)]


def project_of(year: int, *, window_status=LeadershipWindow.Status.CLOSED) -> Project:
    project = factories.ProjectFactory(fiscal_year=year, status=Project.Status.CLOSED)
    if window_status is not None:
        factories.LeadershipWindowFactory(
            project=project,
            status=window_status,
            closed_at=datetime.datetime(year + 1, 3, 20, tzinfo=datetime.UTC)
            if window_status == LeadershipWindow.Status.CLOSED
            else None,
        )
    return project


def meeting_of(project: Project, *, status=ReportMeeting.Status.CLOSED) -> ReportMeeting:
    closed = status == ReportMeeting.Status.CLOSED
    return factories.ReportMeetingFactory(
        project=project,
        status=status,
        closed_at=datetime.datetime(project.fiscal_year + 1, 2, 10, tzinfo=datetime.UTC)
        if closed
        else None,
    )


def scored_team(
    raters: Raters,
    *,
    year: int = 2024,
    leader=None,
    members=(),
    policy=(70, 70),
    technical=(70,),
    leadership=(),
    project=None,
    meeting=None,
    meeting_status=ReportMeeting.Status.CLOSED,
    window_status=LeadershipWindow.Status.CLOSED,
):
    """An approved team (leader + `members`) presenting at a meeting, with one policy
    score per value in `policy`, etc. Returns the team."""
    project = project or project_of(year, window_status=window_status)
    meeting = meeting or meeting_of(project, status=meeting_status)
    team = factories.TeamFactory(project=project)
    leader = leader or factories.UserFactory()
    factories.MembershipFactory(team=team, user=leader, role=Membership.Role.LEADER)
    for member in members:
        factories.MembershipFactory(team=team, user=member)
    presentation = factories.PresentationFactory(meeting=meeting, team=team)
    for rater, score in zip(raters.executives, policy, strict=False):
        factories.EvaluationFactory(
            presentation=presentation,
            evaluator=rater,
            perspective=Perspective.POLICY,
            score=Decimal(str(score)),
        )
    for rater, score in zip(raters.experts, technical, strict=False):
        factories.EvaluationFactory(
            presentation=presentation,
            evaluator=rater,
            perspective=Perspective.TECHNICAL,
            score=Decimal(str(score)),
        )
    for rater, score in zip(raters.colleagues, leadership, strict=False):
        factories.EvaluationFactory(
            presentation=None,
            team=team,
            evaluator=rater,
            perspective=Perspective.LEADERSHIP,
            score=Decimal(str(score)),
        )
    return team


_numbers = iter(range(1, 10**6))


def approve(batch, *, by=None, decided_on=None, number=None, **kwargs):
    """Approve `batch` (a DecisionBatch, or a line's batch) as a second HR admin would."""
    import datetime as _dt

    from accounts.roles import Role
    from certification.models import DecisionLine
    from certification.services import decision_batch_approve

    if isinstance(batch, DecisionLine):
        batch = batch.batch
    by = by or factories.UserFactory(roles=[Role.STAFF, Role.HR_ADMIN])
    return decision_batch_approve(
        batch=batch,
        by=by,
        decided_on=decided_on or _dt.date(2025, 5, 20),
        decision_number=number or f"真DX認第{next(_numbers)}号",
        **kwargs,
    )
