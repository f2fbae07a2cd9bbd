"""Activity hours (業務外活動の記録, issue 12) in a real browser, in Japanese and English:

1. a member logs hours from the home page; the week goes over the project's cap of 4 h:
   the page warns them and the week is marked 上限超過; the same page in English;
2. their 所属長 (the 課長 of their 課, by the roster) opens 所属職員の活動時間 from the
   home page and sees the member's week over the cap, but nobody of another 課; and
   receives one e-mail about it;
3. the organiser opens 活動時間の集計, sees the team's and the department's totals,
   downloads the CSV (with BOM, the week in it) and the Excel file, then reads the page
   in English.

Each step saves artifacts/screenshots/hours-<step>.png. The data is built with the
factories and the services.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Grade
from accounts.roles import Role
from projects import services
from projects.models import Membership, Project
from projects.selectors_hours import week_label, week_start
from tests import factories
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM = "窓口DXチーム"


def _world():
    today = timezone.localdate()
    section = factories.DepartmentFactory(code="D0120", name="税務課")
    other = factories.DepartmentFactory(code="D0130", name="福祉課")
    project = factories.ProjectFactory(
        fiscal_year=today.year if today.month >= 4 else today.year - 1,
        title="令和のBPRプロジェクト",
        status=Project.Status.IN_PROGRESS,
        recruitment_starts_on=today - datetime.timedelta(days=60),
        recruitment_ends_on=today - datetime.timedelta(days=30),
        weekly_hours_cap=Decimal(4),
    )
    team = factories.TeamFactory(project=project, name=TEAM)
    member = factories.UserFactory(
        employee_number="20001",
        last_name="荒井",
        first_name="美咲",
        last_name_kana="アライ",
        first_name_kana="ミサキ",
        department=section,
        email="arai@city.example.jp",
    )
    colleague = factories.UserFactory(
        last_name="別課", first_name="太郎", last_name_kana="ベッカ", department=other
    )
    factories.MembershipFactory(team=team, user=member, role=Membership.Role.LEADER)
    factories.MembershipFactory(team=team, user=colleague)
    head = factories.UserFactory(
        employee_number="20077",
        last_name="高橋",
        first_name="健太",
        last_name_kana="タカハシ",
        department=section,
        grade=Grade.KACHO,
        email="takahashi@city.example.jp",
    )
    organiser = factories.UserFactory(
        roles=[Role.STAFF, Role.ORGANISER],
        employee_number="10001",
        last_name="中村",
        first_name="由紀",
        last_name_kana="ナカムラ",
    )
    # Earlier the same day: 3 h by the member, 2 h by the colleague of another 課.
    services.activity_log_create(
        by=member, team=team, worked_on=today, hours=Decimal(3), note="業務フローの聞き取り"
    )
    services.activity_log_create(
        by=colleague, team=team, worked_on=today, hours=Decimal(2), note="資料の収集"
    )
    return member, head, organiser, today


def test_a_member_logs_hours_over_the_cap_their_head_sees_it_and_the_organiser_exports(
    sign_in, shoot
):
    member, head, organiser, today = _world()
    week = week_label(week_start(today))

    # 1. The member logs 1.5 h: 4.5 h this week, over the cap of 4 h.
    page = sign_in(member)
    page.get_by_role("link", name=re.compile("活動時間")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("活動時間")
    page.get_by_role("combobox", name="チーム").select_option(label=f"{TEAM}（令和のBPRプロジェクト）")
    page.get_by_label("活動日", exact=False).first.fill(today.isoformat())
    page.get_by_role("spinbutton", name="時間").fill("1.5")
    page.get_by_role("textbox", name="内容").fill("To-Be業務フローの作成")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("活動時間を記録しました。")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"合計 4\.5 時間となり、上限（週 4 時間）を超えました"))
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text=week).filter(has_text="令和のBPRプロジェクト")
    expect(row).to_contain_text("4.5")
    expect(row).to_contain_text("上限超過")
    shoot(page, "hours", "01-member-over-the-cap")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity hours")
    expect(page.get_by_text("Some weeks are over the weekly cap")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Over the cap").first).to_be_visible()
    shoot(page, "hours", "02-member-english")

    # The 所属長 was told once, by e-mail, after the commit.
    assert [m.to for m in mail.outbox] == [["takahashi@city.example.jp"]]
    assert "荒井 美咲" in mail.outbox[0].body

    # 2. The 所属長 sees their staff's week over the cap; nobody of another 課.
    page = sign_in(head)
    page.get_by_role("link", name=re.compile("活動時間")).first.click()
    page.get_by_role("link", name="所属職員の活動時間を見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("所属職員の活動時間")
    row = page.get_by_role("row").filter(has_text="荒井 美咲")
    expect(row).to_contain_text("上限超過")
    expect(row).to_contain_text("4.5")
    expect(page.get_by_text("上限を超えた週が 1 件あります。")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("別課")
    shoot(page, "hours", "03-head-staff-hours")

    # 3. The organiser's totals and downloads.
    page = sign_in(organiser)
    page.get_by_role("link", name="活動時間の集計").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("活動時間の集計")
    expect(page.get_by_role("row").filter(has_text=TEAM)).to_contain_text("6.5")
    expect(page.get_by_role("row").filter(has_text="税務課")).to_contain_text("4.5")
    shoot(page, "hours", "04-organiser-totals")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSVで出力").click()
    target = SCREENSHOTS / "hours-05-export.csv"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["職員番号", "氏名", "所属"]
    mine = next(r for r in rows if r[0] == "20001")
    assert mine[6] == week_start(today).isoformat()
    assert mine[10] == "4.5"
    assert mine[12] == "超過"
    with page.expect_download() as info:
        page.get_by_role("link", name="Excelで出力").click()
    assert info.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity hours totals")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    shoot(page, "hours", "06-organiser-english")
    assert not sign_in.problems, sign_in.problems
