"""Issue 14 in a browser: the organiser marks a member on leave (休止), is told in Japanese
when a second leave overlaps it, changes the team's leader after the report meeting, and
the leadership window then evaluates the leader at the report meeting and leaves the
member on leave out (not counted, not offered as an invitee); the member on leave has no
leader to rate. Screenshots: artifacts/screenshots/leave-*.png."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.fiscal import fiscal_year_of, wareki_date
from accounts.roles import Role
from evaluations.models import LeadershipWindow
from projects.models import Membership, Project
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM = "窓口DXチーム"


def _flash(page: Page, text: str):
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def _world():
    today = timezone.localdate()
    year = fiscal_year_of(today)
    department = factories.DepartmentFactory(name="市民課")
    organiser = factories.UserFactory(
        roles=[Role.STAFF, Role.ORGANISER], last_name="中村", first_name="由紀"
    )
    project = factories.ProjectFactory(
        fiscal_year=year,
        title="BPRプロジェクト（休止の確認）",
        status=Project.Status.REPORTING,
        recruitment_starts_on=datetime.date(year, 4, 1),
        recruitment_ends_on=datetime.date(year, 5, 31),
    )
    team = factories.TeamFactory(project=project, name=TEAM)
    people = {}
    for key, last, first, role in (
        ("leader", "小林", "健太", Membership.Role.LEADER),
        ("on_leave", "佐藤", "花子", Membership.Role.MEMBER),
        ("successor", "鈴木", "一郎", Membership.Role.MEMBER),
    ):
        people[key] = factories.UserFactory(last_name=last, first_name=first, department=department)
        factories.MembershipFactory(team=team, user=people[key], role=role)
    colleague = factories.UserFactory(last_name="高橋", first_name="誠", department=department)
    meeting_day = max(today - datetime.timedelta(days=10), datetime.date(year, 4, 1))
    meeting = factories.ReportMeetingFactory(project=project, held_on=meeting_day)
    factories.PresentationFactory(meeting=meeting, team=team)
    factories.LeadershipWindowFactory(
        project=project,
        status=LeadershipWindow.Status.OPEN,
        closes_on=today + datetime.timedelta(days=14),
    )
    return {
        "today": today,
        "meeting_day": meeting_day,
        "organiser": organiser,
        "project": project,
        "team": team,
        "colleague": colleague,
        **people,
    }


def test_the_organiser_marks_a_leave_and_changes_the_leader(live_server, sign_in, shoot):
    w = _world()
    today = w["today"]
    org = sign_in(w["organiser"])

    # The project's page links to the team's leave / end / leader page.
    org.goto(reverse("projects:organiser_project_manage", args=[w["project"].pk]))
    org.get_by_role("link", name="休止・途中終了・リーダー交代").click()
    expect(org.get_by_role("heading", level=1)).to_contain_text(TEAM)
    shoot(org, "leave", "01-team-page")

    # 1. A leave (病気休暇) from yesterday, open-ended.
    org.locator("#id_leave-membership").select_option(label="佐藤 花子（メンバー）")
    org.locator("#id_leave-kind").select_option(label="病気休暇")
    org.locator("#id_leave-starts_on").fill((today - datetime.timedelta(days=1)).isoformat())
    org.get_by_role("button", name="休止を記録").click()
    _flash(org, "佐藤 花子 さんの休止を記録しました。")
    expect(org.get_by_role("row").filter(has_text="佐藤 花子")).to_contain_text("休止中")
    shoot(org, "leave", "02-leave-recorded")

    # 2. A second, overlapping leave is refused in Japanese and nothing changes.
    org.locator("#id_leave-membership").select_option(label="佐藤 花子（メンバー）")
    org.locator("#id_leave-kind").select_option(label="育児休業")
    org.locator("#id_leave-starts_on").fill(today.isoformat())
    org.get_by_role("button", name="休止を記録").click()
    _flash(org, "期間が重なっています")
    shoot(org, "leave", "03-overlap-refused")

    # 3. The leader changes today, after the report meeting.
    org.locator("#id_leader-membership").select_option(label="鈴木 一郎（メンバー）")
    org.locator("#id_leader-on").fill(today.isoformat())
    org.get_by_role("button", name="リーダーを交代").click()
    _flash(org, "リーダーを 鈴木 一郎 さんに交代しました。")
    history = org.get_by_role("list").filter(has_text="小林 健太")
    expect(history).to_contain_text("当初")
    expect(org.get_by_role("list").filter(has_text="鈴木 一郎")).to_contain_text("現在")
    shoot(org, "leave", "04-leader-changed")

    # 4. The window evaluates the leader at the report meeting; the member on leave is
    # neither counted nor offered as an invitee.
    org.goto(reverse("evaluations:organiser_window_detail", args=[w["project"].pk]))
    card = org.get_by_role("region", name=TEAM)
    expect(card.get_by_role("heading", level=3)).to_contain_text("小林 健太")
    expect(card.get_by_role("heading", level=3)).to_contain_text(
        f"報告会（{wareki_date(w['meeting_day'])}）時点のリーダー"
    )
    expect(card).to_contain_text("回答 0 / 対象 1 人")
    expect(card).to_contain_text("休止中・途中終了のため評価の対象外：佐藤 花子")
    choices = card.locator("select option")
    expect(choices.filter(has_text="高橋 誠")).to_have_count(1)
    expect(choices.filter(has_text="佐藤 花子")).to_have_count(0)
    shoot(org, "leave", "05-window-skips-the-member-on-leave")

    # 5. The member on leave has no leader to rate; the new leader rates the former one.
    away = sign_in(w["on_leave"])
    away.goto(reverse("evaluations:leadership_list"))
    expect(away.get_by_text("現在、評価できるリーダーはいません。")).to_be_visible()
    shoot(away, "leave", "06-member-on-leave-has-nothing-to-rate")
    successor = sign_in(w["successor"])
    successor.goto(reverse("evaluations:leadership_list"))
    expect(successor.get_by_role("link").filter(has_text=TEAM)).to_contain_text("小林 健太")
    shoot(successor, "leave", "07-new-leader-rates-the-former")
    assert not sign_in.problems
