import datetime

import pytest

from accounts import demo as accounts_demo
from accounts.models import User
from evaluations import demo
from evaluations.models import Evaluation, LeadershipWindow, ReportMeeting
from projects.models import Membership, Project
from tests import factories


@pytest.fixture
def programme(db):
    """What the projects demo provides: FY2022–FY2024 projects in 報告会 with teams of
    demo staff (leader + 3 members each)."""
    accounts_demo.seed_people()
    staff = list(User.objects.filter(employee_number__startswith="200").order_by("employee_number"))
    people = iter(staff)
    for year, count in ((2022, 3), (2023, 4), (2024, 4)):
        project = factories.ProjectFactory(
            fiscal_year=year,
            status=Project.Status.REPORTING,
            recruitment_starts_on=datetime.date(year, 4, 1),
            recruitment_ends_on=datetime.date(year, 5, 31),
        )
        for index in range(count):
            team = factories.TeamFactory(project=project, name=f"{year}チーム{index + 1}")
            factories.MembershipFactory(team=team, user=next(people), role=Membership.Role.LEADER)
            for _ in range(3):
                factories.MembershipFactory(team=team, user=next(people))


def test_the_demo_does_nothing_without_projects(db):
    accounts_demo.seed_people()

    assert demo.seed() == {"meetings": 0, "evaluations": 0}
    assert not ReportMeeting.objects.exists()


def test_the_demo_closes_a_scored_meeting_and_window_per_year(
    programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = demo.seed()

    assert result["meetings"] == 3
    assert set(ReportMeeting.objects.values_list("status", flat=True)) == {"closed"}
    assert set(LeadershipWindow.objects.values_list("status", flat=True)) == {"closed"}
    rows = {(r["fiscal_year"], r["team"]): r for r in demo.summary()}
    assert rows[(2023, "2023チーム3")]["policy"] < 60
    assert rows[(2023, "2023チーム3")]["technical"] < 60
    assert rows[(2023, "2023チーム1")]["policy"] >= 70
    assert rows[(2023, "2023チーム1")]["technical"] >= 70
    assert rows[(2022, "2022チーム1")]["leadership"] >= 60
    assert rows[(2022, "2022チーム2")]["leadership"] < 60
    policy_raters = (
        Evaluation.objects.filter(
            presentation__meeting__project__fiscal_year=2024, perspective="policy"
        )
        .values("evaluator")
        .distinct()
        .count()
    )
    assert policy_raters == 5


def test_the_demo_is_deterministic_and_idempotent(programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed()
    first = demo.summary()
    count = Evaluation.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        assert demo.seed()["evaluations"] == 0

    assert Evaluation.objects.count() == count
    assert demo.summary() == first


def test_pulling_two_raters_apart_keeps_each_criterions_sum_within_1_to_5():
    a = {1: 4, 2: 5, 3: 1, 4: 3}
    b = {1: 4, 2: 3, 3: 2, 4: 3}

    harsh, lenient = demo._pulled_apart(a, b)

    assert harsh == {1: 3, 2: 3, 3: 1, 4: 2}
    assert lenient == {1: 5, 2: 5, 3: 2, 4: 4}
    assert all(harsh[k] + lenient[k] == a[k] + b[k] for k in a)


def test_the_fy2024_meeting_has_a_harsh_and_a_lenient_executive(
    programme, django_capture_on_commit_callbacks
):
    from evaluations.selectors import meeting_severity

    with django_capture_on_commit_callbacks(execute=True):
        demo.seed()
    meeting = ReportMeeting.objects.get(project__fiscal_year=2024)

    policy = [r for r in meeting_severity(meeting=meeting).raters if r.perspective == "policy"]

    assert policy[0].rater.employee_number == "90004"  # harshest first
    assert policy[-1].rater.employee_number == "90005"
    assert policy[-1].mean - policy[0].mean > 30
