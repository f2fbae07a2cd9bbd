"""The programme's year as the city lives it, in a real browser (Debian's Chromium,
Japanese locale) against the live server:

1. a staff member signs in with 職員番号, browses 令和6年度 projects and applies to a team;
   the organiser approves and starts the project; the leader edits the BPR worksheet;
2. the organiser opens the report meeting; three executives and one external expert score
   on a tablet-sized window (768 × 1024); the organiser closes the meeting;
3. the worker recomputes (a real Celery worker against Redis when a broker is configured,
   eager tasks otherwise); the member sees DXアドバイザー with its evidence, downloads the
   認定証 PDF, and the QR's verify page shows it active;
4. an HR admin finds the certification in the Django admin by the member's reading and
   revokes it with a reason; the verify page now says 取消.

Each step asserts what the person sees and saves artifacts/screenshots/<journey>-<step>.png.
The data is built with the factories and the services, never with seed_demo.
"""

import datetime
import re
import subprocess
import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.fiscal import wareki_date
from accounts.models import Grade
from accounts.roles import Role
from certification.models import Certification, Level
from evaluations import services as evaluation_services
from evaluations.models import Evaluation, ReportMeeting
from projects import services as project_services
from projects.models import Membership, Project
from tests import factories
from tests.browser.conftest import SCREENSHOTS, TABLET
from tests.browser.menu import follow_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM = "窓口DXチーム"
THEME = "窓口申請のオンライン化"
PROBLEM = "転入届の記入に平均25分かかり、窓口の待ち時間が長い。"
#: Each rater's point for every criterion; uniform points make the 0–100 score exact:
#: policy (75 + 100 + 50) / 3 = 75, technical 75 → report score 75 (threshold 60).
EXECUTIVE_POINTS = (4, 5, 3)
EXPERT_POINT = 4
RECOMPUTE_WAIT_S = 30
#: The 決裁日 the second HR admin gives: the certificate's 認定日.
DECIDED_ON = datetime.date(2025, 3, 28)
SLIDES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _world():
    today = timezone.localdate()
    organiser = factories.UserFactory(
        roles=[Role.STAFF, Role.ORGANISER],
        employee_number="10001",
        last_name="中村",
        first_name="由紀",
        last_name_kana="ナカムラ",
        first_name_kana="ユキ",
    )
    hr_admin = factories.UserFactory(
        roles=[Role.STAFF, Role.HR_ADMIN],
        employee_number="10003",
        last_name="斎藤",
        first_name="恵",
        last_name_kana="サイトウ",
        first_name_kana="メグミ",
    )
    # The second HR admin decides the recompute's proposal (認定決裁).
    decider = factories.UserFactory(
        roles=[Role.STAFF, Role.HR_ADMIN],
        employee_number="10004",
        last_name="石川",
        first_name="真理",
        last_name_kana="イシカワ",
        first_name_kana="マリ",
    )
    department = factories.DepartmentFactory(code="D0110", name="市民課")
    leader = factories.UserFactory(
        employee_number="20045",
        last_name="小林",
        first_name="健太",
        last_name_kana="コバヤシ",
        first_name_kana="ケンタ",
        department=department,
    )
    colleague = factories.UserFactory(
        employee_number="20046",
        last_name="鈴木",
        first_name="翔",
        last_name_kana="スズキ",
        first_name_kana="ショウ",
        department=department,
    )
    member = factories.UserFactory(
        department=factories.DepartmentFactory(code="D0120", name="税務課"),
        employee_number="20001",
        last_name="荒井",
        first_name="美咲",
        last_name_kana="アライ",
        first_name_kana="ミサキ",
        grade=Grade.SHUJI,
    )
    executives = [
        factories.ExecutiveFactory(
            employee_number=f"9000{i}", last_name=last, first_name=first, last_name_kana=kana
        )
        for i, (last, first, kana) in enumerate(
            [("石川", "浩", "イシカワ"), ("上田", "誠", "ウエダ"), ("岡本", "直樹", "オカモト")],
            start=1,
        )
    ]
    expert = factories.ExpertFactory(
        email="mori@vendor.example.jp", last_name="森", first_name="隆", last_name_kana="モリ"
    )

    # FY2024's project, recruiting today (the services refuse applications outside the
    # window, so the window is placed around the day the test runs).
    project = project_services.project_create(
        by=organiser,
        fiscal_year=2024,
        title="令和6年度 BPRプロジェクト",
        description="窓口業務を中心に、業務の流れを見直します。",
        recruitment_starts_on=today - datetime.timedelta(days=14),
        recruitment_ends_on=today + datetime.timedelta(days=30),
        team_size_min=3,
        team_size_max=5,
    )
    project = project_services.project_transition(
        project=project, to=Project.Status.RECRUITING, by=organiser
    )
    team = project_services.team_propose(
        project=project, by=leader, name=TEAM, theme=THEME, target_department=department
    )
    project_services.team_approve(team=team, by=organiser)
    early = project_services.membership_apply(team=team, by=colleague)
    project_services.membership_approve(membership=early, by=organiser)
    # Another year's project, which the 年度 filter must leave out.
    other = project_services.project_create(
        by=organiser,
        fiscal_year=2025,
        title="令和7年度 BPRプロジェクト",
        recruitment_starts_on=today - datetime.timedelta(days=14),
        recruitment_ends_on=today + datetime.timedelta(days=30),
    )
    other = project_services.project_transition(
        project=other, to=Project.Status.RECRUITING, by=organiser
    )
    meeting = evaluation_services.meeting_schedule(
        project=project,
        title="令和6年度 BPR報告会",
        held_on=today,
        place="本庁舎 大会議室",
        by=organiser,
    )
    return {
        "organiser": organiser,
        "hr_admin": hr_admin,
        "decider": decider,
        "leader": leader,
        "member": member,
        "executives": executives,
        "expert": expert,
        "project": project,
        "other_project": other,
        "team": team,
        "meeting": meeting,
    }


def _nav(page: Page, name: str):
    follow_menu(page, name)


def _flash(page: Page, text: str):
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


# --- 1. apply, approve, start, worksheet -------------------------------------------------


def _journey_apply_and_worksheet(w, sign_in, shoot):
    member, organiser, leader = w["member"], w["organiser"], w["leader"]

    page = sign_in(member)  # 職員番号 20001
    shoot(page, "1-apply", "01-home")
    _nav(page, "BPRプロジェクト")
    expect(page.get_by_role("heading", name="BPRプロジェクト", level=1)).to_be_visible()
    page.get_by_label("年度").select_option(label="令和6年度")
    page.get_by_role("button", name="絞り込む").click()
    results = page.get_by_role("table")
    expect(results.get_by_role("link", name="令和6年度 BPRプロジェクト")).to_be_visible()
    expect(results).not_to_contain_text("令和7年度 BPRプロジェクト")
    expect(results.get_by_role("row").nth(1)).to_contain_text("募集中")
    shoot(page, "1-apply", "02-project-list-fy2024")

    results.get_by_role("link", name="令和6年度 BPRプロジェクト").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("令和6年度 BPRプロジェクト")
    card = page.locator("section.card").filter(has_text=TEAM)
    expect(card).to_contain_text(THEME)
    expect(card).to_contain_text("小林 健太")
    card.get_by_role("button", name="このチームに参加を申請する").click()
    _flash(page, f"チーム「{TEAM}」に参加を申請しました。承認をお待ちください。")
    expect(page.get_by_text(f"あなたはチーム「{TEAM}」のメンバーです（申請中）。")).to_be_visible()
    shoot(page, "1-apply", "03-applied")

    org = sign_in(organiser)
    _nav(org, "プロジェクト運営")
    org.get_by_role("link", name="令和6年度 BPRプロジェクト").click()
    expect(org.get_by_role("heading", level=1)).to_contain_text("令和6年度 BPRプロジェクト")
    row = org.get_by_role("row").filter(has_text="荒井 美咲")
    expect(row).to_contain_text("申請中")
    shoot(org, "1-apply", "04-organiser-sees-application")
    row.get_by_role("button", name="参加を承認", exact=True).click()
    _flash(org, "荒井 美咲 さんの参加を承認しました。")
    expect(org.get_by_role("row").filter(has_text="荒井 美咲")).to_contain_text("承認済み")
    org.get_by_role("button", name="「実施中」にする").click()
    _flash(org, "プロジェクトを「実施中」にしました。")
    expect(org.get_by_role("heading", level=1)).to_contain_text("実施中")
    shoot(org, "1-apply", "05-organiser-approved-and-started")

    page.reload()
    expect(
        page.get_by_text(f"あなたはチーム「{TEAM}」のメンバーです（承認済み）。")
    ).to_be_visible()

    lead = sign_in(leader)
    _nav(lead, "参加プロジェクト")
    lead.get_by_role("link", name=TEAM).first.click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text(TEAM)
    lead.get_by_role("link", name="編集する").click()
    expect(lead.get_by_role("heading", name="BPRワークシートの編集")).to_be_visible()
    lead.get_by_label("課題", exact=True).fill(PROBLEM)
    lead.get_by_label("To-Be（理想）").fill(
        "転入届をオンラインで事前入力し、窓口は確認だけにする。"
    )
    shoot(lead, "1-apply", "06-leader-edits-worksheet")
    lead.get_by_role("button", name="ワークシートを保存").click()
    _flash(lead, "ワークシートを保存しました。")
    expect(lead.get_by_text(PROBLEM)).to_be_visible()
    expect(lead.get_by_text("最終更新：小林 健太")).to_be_visible()
    shoot(lead, "1-apply", "07-worksheet-saved")
    return org


# --- 2. the report meeting, scored on tablets ---------------------------------------------


def _score(page: Page, rater_name: str, point: int, comment: str, shoot, step: str):
    _nav(page, "報告会の評価")
    page.get_by_role("link", name="令和6年度 BPR報告会").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("評価受付中")
    item = page.get_by_role("listitem").filter(has_text=THEME)
    item.get_by_role("link", name=re.compile("未評価")).click()
    expect(page.get_by_role("heading", name=THEME, level=1)).to_be_visible()
    criteria = page.locator("form.scoring-form fieldset")
    count = criteria.count()
    assert count >= 3, f"{rater_name}: only {count} criteria on the form"
    for i in range(count):
        criterion = criteria.nth(i)
        button = criterion.locator(f"label[for$='-{point}']")
        box = button.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (
            f"score buttons too small for a tablet: {box}"
        )
        button.click()
        expect(criterion.locator(f"input[type=radio][value='{point}']")).to_be_checked()
    page.get_by_label("コメント（任意）").fill(comment)
    shoot(page, "2-meeting", f"{step}-form")
    page.get_by_role("button", name="保存する").click()
    _flash(page, f"「{THEME}」の評価を保存しました。")
    expect(
        page.get_by_role("listitem").filter(has_text=THEME).get_by_role("link", name="評価済")
    ).to_be_visible()
    shoot(page, "2-meeting", f"{step}-saved")


def _journey_meeting(w, org: Page, sign_in, shoot):
    meeting = w["meeting"]
    # The organiser is still on the project's manage page from journey 1.
    expect(org.get_by_role("heading", level=1)).to_contain_text("令和6年度 BPRプロジェクト")
    org.get_by_role("button", name="「報告会」にする").click()
    _flash(org, "プロジェクトを「報告会」にしました。")
    _nav(org, "報告会運営")
    org.get_by_role("link", name="令和6年度 BPR報告会").click()
    expect(org.get_by_role("heading", level=1)).to_contain_text("開催予定")
    org.get_by_label("チーム").select_option(label=TEAM)
    org.get_by_label("発表資料（PDF・PPTX）").set_input_files(
        {"name": "発表資料.pdf", "mimeType": "application/pdf", "buffer": SLIDES}
    )
    org.get_by_role("button", name="追加する").click()
    _flash(org, "発表を追加しました。")
    order = org.get_by_role("list").filter(has_text=THEME)
    expect(order).to_contain_text(TEAM)
    expect(order.get_by_role("link", name="発表資料")).to_be_visible()
    org.get_by_role("button", name="評価の受付を開始").click()
    _flash(org, "評価の受付を開始しました。")
    expect(org.get_by_role("heading", level=1)).to_contain_text("評価受付中")
    shoot(org, "2-meeting", "01-organiser-opened")

    raters = [
        (executive, point, f"{executive.last_name}: 市民目線の改善が明確です。")
        for executive, point in zip(w["executives"], EXECUTIVE_POINTS, strict=True)
    ]
    raters.append((w["expert"], EXPERT_POINT, "RPAとオンライン申請の組合せが妥当です。"))
    for n, (rater, point, comment) in enumerate(raters, start=2):
        tablet = sign_in(rater, viewport=TABLET)
        step = f"{n:02d}-{'expert' if rater.employee_number is None else 'executive'}{n - 1}"
        _score(tablet, rater.full_name, point, comment, shoot, step)

    assert Evaluation.objects.filter(presentation__meeting=meeting).count() == 4
    org.get_by_role("link", name="提出状況").click()
    expect(org.get_by_role("row").filter(has_text="○")).to_have_count(4)
    shoot(org, "2-meeting", "06-organiser-board")
    org.go_back()
    # Closing is irreversible: the browser asks first; the organiser confirms.
    asked = []
    org.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    org.get_by_role("button", name="評価を締め切る").click()
    _flash(org, "評価を締め切りました。以後、評価は変更できません。")
    expect(org.get_by_role("heading", level=1)).to_contain_text("締切済み")
    assert asked and asked[0].startswith("評価を締め切ると")
    shoot(org, "2-meeting", "07-organiser-closed")
    meeting.refresh_from_db()
    assert meeting.status == ReportMeeting.Status.CLOSED


# --- 3. the recompute, my certification, the 認定証 and its verify page --------------------


def _journey_decision(w, sign_in, shoot, task_worker):
    """The worker's recompute proposes; the second HR admin approves it in the admin with
    a 決裁日 and 決裁番号. Until then the member's level is only 認定予定（決裁待ち）."""
    from certification.models import DecisionBatch

    deadline = time.monotonic() + RECOMPUTE_WAIT_S
    while not DecisionBatch.objects.filter(status="pending").exists():
        if time.monotonic() > deadline:
            log = task_worker.log[-3000:] if task_worker else "(eager)"
            pytest.fail(f"no proposal after {RECOMPUTE_WAIT_S}s; worker log:\n{log}")
        time.sleep(0.5)
    assert not Certification.objects.filter(user=w["member"]).exists()
    page = sign_in(w["member"])
    _nav(page, "わたしの認定")
    expect(page.locator("#pending-heading")).to_have_text("認定予定（決裁待ち）")
    expect(page.locator("section[aria-labelledby=current-heading]")).to_contain_text(
        "まだ認定はありません。"
    )
    batch = DecisionBatch.objects.get(status="pending")
    hr = sign_in(w["decider"])
    hr.goto(f"/admin/certification/decisionbatch/{batch.pk}/change/")
    expect(hr.locator("#decision-lines")).to_contain_text("荒井 美咲")
    hr.get_by_label("決裁日").fill(DECIDED_ON.isoformat())
    hr.get_by_label("決裁番号").fill("真DX認第41号")
    shoot(hr, "3-certificate", "00-decision")
    hr.get_by_role("button", name="決裁する（チェックした明細は却下）").click()
    expect(hr.locator(".messagelist")).to_contain_text("決裁しました")
    expect(hr.locator("#batch-status")).to_have_text("決裁済み")


def _journey_certificate(w, sign_in, shoot, task_worker):
    member = w["member"]
    page = sign_in(member)
    _nav(page, "わたしの認定")
    current = page.locator("section[aria-labelledby=current-heading]")
    deadline = time.monotonic() + RECOMPUTE_WAIT_S
    while "DXアドバイザー" not in current.inner_text():
        if time.monotonic() > deadline:
            log = task_worker.log[-3000:] if task_worker else "(eager)"
            pytest.fail(f"no DXアドバイザー after {RECOMPUTE_WAIT_S}s; worker log:\n{log}")
        time.sleep(0.5)
        page.reload()
    if task_worker is not None:  # the award came from the real worker, not in-process
        assert re.search(
            r"Task certification\.recompute_users\[[^\]]+\] succeeded", task_worker.log
        )
    expect(current).to_contain_text("DXアドバイザー")
    expect(current).to_contain_text("令和6年度 認定")
    history = page.locator("section[aria-labelledby=certs-heading]")
    row = history.get_by_role("row").filter(has_text="DXアドバイザー")
    expect(row).to_contain_text("有効")
    expect(row).to_contain_text(f"{TEAM}（メンバー）報告会 75点")
    teams = page.locator("section[aria-labelledby=participation-heading]")
    expect(teams).to_contain_text(TEAM)
    expect(teams).to_contain_text("政策 3人・技術 1人")
    expect(page.locator("#next-heading")).to_have_text("DXエキスパートまでの条件")
    shoot(page, "3-certificate", "01-my-certification")

    cert = Certification.objects.get(user=member, level=Level.ADVISOR)
    link = row.get_by_role("link", name=re.compile("PDF"))
    expect(link).to_have_attribute("href", f"/certification/{cert.public_id}/certificate.pdf")
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = SCREENSHOTS / "3-certificate-02-certificate.pdf"
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF"), data[:20]
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(target), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    glyphs = re.sub(r"\s+", "", text)
    assert "認定証" in glyphs, text
    assert "荒井美咲" in glyphs, text
    assert "DXアドバイザー" in glyphs, text
    assert f"/verify/{cert.public_id}/" in glyphs, text
    assert "認定日令和" in glyphs and wareki_date(DECIDED_ON).replace(" ", "") in glyphs, text
    assert "認定年度令和6年度" in glyphs, text

    # The QR's page is public: someone checking the certificate is not signed in.
    public = sign_in(None)
    public.goto(f"/verify/{cert.public_id}/")
    expect(public.get_by_role("heading", name="認定の確認")).to_be_visible()
    card = public.locator(".card")
    expect(card).to_contain_text("荒井 美咲")
    expect(card).to_contain_text("DXアドバイザー")
    expect(card.locator("strong")).to_have_text("有効")
    expect(card).to_contain_text("令和6年度")
    expect(card).to_contain_text(wareki_date(DECIDED_ON))
    expect(public.get_by_text("この認定は取り消されています。")).to_have_count(0)
    expect(card).not_to_contain_text("20001")  # nothing personal beyond name and level
    shoot(public, "3-certificate", "03-verify-active")
    return cert, public


# --- 4. HR revokes it in the admin -----------------------------------------------------------


def _journey_revoke(w, cert, public: Page, sign_in, shoot):
    hr = sign_in(w["hr_admin"])
    _nav(hr, "管理画面")
    hr.locator("#certification-certification").get_by_role("link", name="認定", exact=True).click()
    expect(hr.get_by_role("heading", level=1)).to_contain_text("認定")
    hr.locator("#searchbar").fill("アライ")
    hr.locator("#searchbar").press("Enter")
    rows = hr.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("荒井 美咲")
    expect(rows.first).to_contain_text("DXアドバイザー")
    shoot(hr, "4-revoke", "01-admin-search-by-reading")
    rows.first.locator("input.action-select").check()
    hr.locator("select[name=action]").select_option(label="認定の取消を起案する")
    hr.locator("button[name=index]").click()
    expect(hr.get_by_role("heading", name="認定の取消を起案する")).to_be_visible()
    expect(hr.locator("#content")).to_contain_text("荒井 美咲（20001）DXアドバイザー 令和6年度")
    hr.get_by_label("理由").fill("報告会の評価に集計誤りが判明したため")
    shoot(hr, "4-revoke", "02-reason")
    hr.get_by_role("button", name="確定する").click()
    expect(hr.locator(".messagelist")).to_contain_text("1件の認定の取消を起案しました。")
    cert.refresh_from_db()
    assert cert.status == Certification.Status.ACTIVE  # until another HR admin decides
    from certification.models import DecisionLine

    line = DecisionLine.objects.get(certification=cert, kind="revoke")
    decider = sign_in(w["decider"])
    decider.goto(f"/admin/certification/decisionbatch/{line.batch_id}/change/")
    decider.get_by_label("決裁日").fill(DECIDED_ON.isoformat())
    decider.get_by_label("決裁番号").fill("真DX認第42号")
    decider.get_by_role("button", name="決裁する（チェックした明細は却下）").click()
    expect(decider.locator(".messagelist")).to_contain_text("決裁しました")
    shoot(decider, "4-revoke", "03-revoked")

    public.reload()
    expect(public.get_by_role("status")).to_have_text("この認定は取り消されています。")
    expect(public.locator(".card strong")).to_have_text("取消")
    shoot(public, "4-revoke", "04-verify-revoked")
    cert.refresh_from_db()
    assert cert.status == Certification.Status.REVOKED
    assert cert.history.first().history_change_reason == "報告会の評価に集計誤りが判明したため"


def test_a_year_of_the_programme_in_a_browser(live_server, sign_in, shoot, task_worker):
    w = _world()
    org = _journey_apply_and_worksheet(w, sign_in, shoot)
    assert Membership.objects.get(user=w["member"]).status == Membership.Status.APPROVED
    _journey_meeting(w, org, sign_in, shoot)
    _journey_decision(w, sign_in, shoot, task_worker)
    cert, public = _journey_certificate(w, sign_in, shoot, task_worker)
    _journey_revoke(w, cert, public, sign_in, shoot)
    assert sign_in.problems == [], "\n".join(sign_in.problems)
