"""所属長の承認 (issue 12) in a real browser against the live server:

1. a staff member applies to a team and sees 「所属長の承認待ち」; their 課長 finds the
   application under 「所属長の承認」, consents and notes 業務の分担; the organiser, who had
   no approve button before, now sees 「所属長が承認」 and approves; the applicant sees it;
2. the same in English, the decline path: a staff member proposes a team; their 課長
   (using the portal in English) declines with a reason; the proposer sees the reason and
   the team is rejected.

Each step asserts what the person sees and saves artifacts/screenshots/consent-<step>.png.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Grade
from accounts.roles import Role
from projects.models import HeadConsent, Membership, Project, Team
from tests import factories
from tests.browser.menu import follow_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECT = "令和8年度 BPRプロジェクト"
TEAM = "保育DXチーム"
COVERAGE = "月・木の窓口当番は清水さんが代わり、審査は係内で分担します。"
REASON = "The section is short of staff until October."


def _world():
    today = timezone.localdate()
    project = factories.ProjectFactory(
        title=PROJECT,
        fiscal_year=today.year,
        status=Project.Status.RECRUITING,
        recruitment_starts_on=today - datetime.timedelta(days=10),
        recruitment_ends_on=today + datetime.timedelta(days=30),
    )
    team = factories.TeamFactory(project=project, name=TEAM, theme="保育所入所選考の効率化")
    factories.MembershipFactory(team=team, role=Membership.Role.LEADER)
    section = factories.DepartmentFactory(code="D0520", name="こども家庭課")
    head = factories.UserFactory(
        department=section,
        grade=Grade.KACHO,
        employee_number="20078",
        last_name="小林",
        first_name="誠",
    )
    applicant = factories.UserFactory(
        department=section, employee_number="20018", last_name="木村", first_name="亮"
    )
    proposer = factories.UserFactory(
        department=section, employee_number="20030", last_name="松本", first_name="健太"
    )
    organiser = factories.UserFactory(
        roles=[Role.STAFF, Role.ORGANISER],
        employee_number="10001",
        last_name="石崎",
        first_name="努",
    )
    return {
        "project": project,
        "head": head,
        "applicant": applicant,
        "proposer": proposer,
        "organiser": organiser,
    }


def _flash(page: Page, text: str):
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def _nav(page: Page, name: str):
    follow_menu(page, name)


def test_staff_apply_the_head_consents_and_the_organiser_approves(sign_in, shoot):
    w = _world()

    # The staff member applies and sees that the application waits for their head.
    page = sign_in(w["applicant"])
    expect(page.locator("#mainnav").get_by_role("link", name="所属長の承認")).to_have_count(0)
    page.goto(f"/projects/{w['project'].pk}/")
    card = page.locator("section.card").filter(has_text=TEAM)
    card.get_by_role("button", name="このチームに参加を申請する").click()
    _flash(page, "参加を申請しました")
    mine = page.locator(".alert-info").filter(has_text=f"あなたはチーム「{TEAM}」のメンバーです")
    expect(mine).to_contain_text("所属長の承認待ち")
    shoot(page, "consent", "1-applied")

    # The organiser sees it waiting, with nothing to approve yet.
    org = sign_in(w["organiser"])
    org.goto(f"/organiser/projects/{w['project'].pk}/")
    row = org.get_by_role("row").filter(has_text="木村 亮")
    expect(row).to_contain_text("所属長の承認待ち")
    expect(row.get_by_role("button", name="参加を承認")).to_have_count(0)

    # The 課長 finds it under 所属長の承認 and consents with 業務の分担.
    head = sign_in(w["head"])
    _nav(head, "所属長の承認")
    expect(head.get_by_role("heading", level=1)).to_have_text("所属長の承認")
    head.get_by_role("link", name="木村 亮 さんの申請を判断する").click()
    expect(head.get_by_role("heading", level=1)).to_have_text("木村 亮 さんの申請")
    head.get_by_label("承認する", exact=True).check()
    head.get_by_label("業務の分担").fill(COVERAGE)
    shoot(head, "consent", "2-head-form")
    head.get_by_role("button", name="判断を登録する").click()
    _flash(head, "木村 亮 さんの申請を承認しました")
    decided = head.get_by_role("table").filter(has_text="判断者")
    expect(decided.get_by_role("row").filter(has_text="木村 亮")).to_contain_text(COVERAGE)
    shoot(head, "consent", "3-head-consented")

    # The organiser now approves.
    org.reload()
    row = org.get_by_role("row").filter(has_text="木村 亮")
    expect(row).to_contain_text("所属長が承認")
    row.get_by_role("button", name="参加を承認").click()
    _flash(org, "木村 亮 さんの参加を承認しました")
    expect(org.get_by_role("row").filter(has_text="木村 亮")).to_contain_text("承認済み")
    shoot(org, "consent", "4-organiser-approved")

    # The applicant sees both decisions.
    page.goto("/projects/mine/")
    row = page.get_by_role("row").filter(has_text=TEAM)
    expect(row).to_contain_text("承認済み")
    expect(row).to_contain_text("所属長が承認")
    assert HeadConsent.objects.get().decided_by == w["head"]
    assert not sign_in.problems, sign_in.problems


def test_the_head_declines_a_team_proposal_in_english_and_the_proposer_sees_why(sign_in, shoot):
    w = _world()

    page = sign_in(w["proposer"])
    page.goto(f"/projects/{w['project'].pk}/")
    page.get_by_role("link", name="チームを提案する（リーダーになる）").click()
    page.get_by_label("チーム名").fill("子育て手続きチーム")
    page.get_by_label("テーマ").fill("児童手当の申請の電子化")
    page.get_by_role("button", name="チームを提案する").click()
    expect(page.get_by_role("listitem").filter(has_text="松本 健太")).to_contain_text(
        "所属長の承認待ち"
    )

    # The head uses the portal in English.
    head = sign_in(w["head"])
    head.get_by_role("button", name="English").click()
    _nav(head, "Head of section consent")
    expect(head.get_by_role("heading", level=1)).to_have_text("Head of section consent")
    head.get_by_role("link", name="Decide on 松本 健太's application").click()
    head.get_by_label("Decline", exact=True).check()
    head.get_by_role("button", name="Record the decision").click()
    expect(head.get_by_text("To decline, please give a reason.")).to_be_visible()
    head.get_by_label("Reason for declining").fill(REASON)
    shoot(head, "consent", "5-head-declines-en")
    head.get_by_role("button", name="Record the decision").click()
    _flash(head, "You declined 松本 健太's application")
    expect(head.get_by_role("row").filter(has_text="松本 健太")).to_contain_text(
        "Declined by the head of section"
    )
    shoot(head, "consent", "6-head-declined-en")

    # The proposer sees the decline and its reason; the team is rejected.
    page.goto("/projects/mine/")
    row = page.get_by_role("row").filter(has_text="子育て手続きチーム")
    expect(row).to_contain_text("所属長が不承認")
    expect(row).to_contain_text(REASON)
    shoot(page, "consent", "7-proposer-sees-reason")
    assert Team.objects.get(name="子育て手続きチーム").status == Team.Status.REJECTED
    assert not sign_in.problems, sign_in.problems
