import pytest

from projects import demo, selectors
from projects.models import Membership, MembershipLeave, Project, Team
from projects.permissions import can_apply, can_propose_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    demo.seed()


def _live(year, **filters):
    return Membership.objects.filter(
        project__fiscal_year=year, status=Membership.Status.APPROVED, **filters
    )


def leaders(year):
    return set(_live(year, role="leader").values_list("user__employee_number", flat=True))


def test_fy2022_has_twelve_staff_in_three_teams(seeded):
    project = Project.objects.get(fiscal_year=2022)
    assert project.status == Project.Status.REPORTING
    assert set(project.teams.values_list("theme", flat=True)) == {
        "工事書類の電子化",
        "決算資料作成の二重作業解消",
        "保育所入所選考の効率化",
    }
    assert _live(2022).count() == 12
    assert _live(2022, user__employee_number="20001", role="member").exists()


def test_later_years_are_led_by_earlier_members(seeded):
    fy2022_people = set(_live(2022).values_list("user__employee_number", flat=True))
    assert leaders(2023) & fy2022_people
    assert leaders(2023) & leaders(2024)  # a Specialist candidate
    for year in (2023, 2024):
        assert Project.objects.get(fiscal_year=year).status == Project.Status.REPORTING


def test_worksheets_and_effects_are_filled_in(seeded):
    totals = {
        (r["fiscal_year"], r["unit"]): r["total"] for r in selectors.programme_effects_by_year()
    }
    assert totals[(2022, "時間")] == 1200 - 300 + 450 - 120 + 600 - 200
    assert totals[(2022, "月")] == 2
    team = Team.objects.get(theme="工事書類の電子化")
    assert team.worksheet.problem
    assert team.worksheet.history.first().history_user.employee_number == "20057"


def test_the_current_year_is_recruiting_and_the_demo_login_can_join(seeded):
    from accounts.models import User

    project = Project.objects.get(fiscal_year=2026)
    assert project.status == Project.Status.RECRUITING
    assert set(project.teams.values_list("status", flat=True)) == {Team.Status.PROPOSED}
    demo_user = User.objects.get(employee_number="20001")
    assert not Membership.objects.filter(project=project, user=demo_user).exists()
    assert can_propose_team(demo_user, project)
    assert any(can_apply(demo_user, team) for team in project.teams.all())


def test_seeding_twice_changes_nothing(seeded):
    from django.apps import apps

    def counts():
        return {
            m._meta.label: m.objects.count()
            for m in apps.get_models()
            if m._meta.app_label in {"accounts", "projects"}
        }

    before = counts()
    assert demo.seed() == {"projects": 0}
    assert counts() == before


def test_the_demo_shows_one_member_on_leave(seeded):
    [leave] = MembershipLeave.objects.select_related("membership__user")
    assert leave.membership.user.employee_number == "20043"
    assert leave.get_kind_display() == "育児休業"


# --- activity hours (issue 12) -----------------------------------------------------------


def test_the_demo_login_has_a_week_near_the_cap_and_one_over_it(seeded):
    from accounts.models import User
    from projects import selectors_hours

    member = User.objects.get(employee_number="20001")
    weeks = selectors_hours.weekly_totals(user_ids=[member.pk], fiscal_year=2022)

    by_week = {w.starts_on.isoformat(): (str(w.total), w.near, w.over) for w in weeks}
    assert by_week["2022-06-06"] == ("3.5", True, False)
    assert by_week["2022-06-13"] == ("4.5", False, True)
    assert [w for w in weeks if w.over] == [w for w in weeks if w.starts_on.day == 13]


def test_each_demo_week_over_the_cap_made_one_notice_to_a_head(seeded):
    from accounts.models import User
    from accounts.selectors import supervisors_of
    from projects.models import HoursNotice

    notices = HoursNotice.objects.select_related("user").order_by("user__employee_number")

    assert [n.user.employee_number for n in notices] == ["20001", "20042"]
    heads = {n.user.employee_number: supervisors_of(n.user) for n in notices}
    assert [h.employee_number for h in heads["20001"]] == ["90001"]
    assert [h.employee_number for h in heads["20042"]] == ["20078"]
    assert User.objects.get(employee_number="20078").get_grade_display() == "課長"
