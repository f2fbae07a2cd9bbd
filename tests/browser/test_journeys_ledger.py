"""Training and qualifications in a real browser (issue 12, the 人材台帳):

1. a member of staff registers 基本情報技術者 with a PDF certificate; it shows 確認待ち;
2. an HR admin opens 研修・資格の確認, downloads nothing but sees the file is there, and
   verifies it; the staff member's DX journey then shows it 確認済み — in Japanese and,
   after the switch, in English;
3. the organiser records the city's own course's attendance for three people at once;
   the HR ledger lists the qualification and the course hours.

Screenshots: artifacts/screenshots/ledger-<step>.png. Data from factories and services.
"""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.browser.menu import follow_menu
from training.models import Course, CourseRecord, QualificationRecord, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_staff_register_a_qualification_hr_verifies_it_and_the_journey_shows_it(
    live_server, sign_in, shoot, tmp_path
):
    staff = factories.UserFactory(employee_number="20001", last_name="伊藤", first_name="誠")
    hr = factories.UserFactory(roles=[Role.STAFF, Role.HR_ADMIN], employee_number="10003")
    factories.QualificationFactory(
        code="fe", name="基本情報技術者", name_en="Fundamental IT Engineer"
    )
    certificate = tmp_path / "合格証書.pdf"
    certificate.write_bytes(PDF)

    # 1. staff registers the qualification with the PDF
    page = sign_in(staff)
    follow_menu(page, "研修・資格")
    expect(page.get_by_role("heading", level=1)).to_have_text("研修・資格")
    form = page.locator("#qualification-form")
    form.get_by_label("資格").select_option(label="基本情報技術者")
    form.get_by_label("取得日").fill("2024-10-20")
    form.get_by_label("証明書ファイル（PDF・PNG・JPEG、任意）").set_input_files(str(certificate))
    form.get_by_role("button", name="資格を登録").click()
    expect(page.get_by_text("資格を登録しました。")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="基本情報技術者")
    expect(row.get_by_text("確認待ち")).to_be_visible()
    shoot(page, "ledger", "1-registered")
    record = QualificationRecord.objects.get(person=staff)
    assert record.certificate.name.startswith(f"training/{staff.pk}/")

    # 2. HR verifies it
    hr_page = sign_in(hr)
    hr_page.goto("/training/review/")
    expect(hr_page.get_by_role("heading", level=1)).to_have_text("研修・資格の確認")
    item = hr_page.get_by_role("listitem").filter(has_text="基本情報技術者")
    expect(item.get_by_role("link", name="証明書をダウンロード")).to_be_visible()
    shoot(hr_page, "ledger", "2-review")
    item.get_by_role("button", name="確認済みにする").click()
    expect(hr_page.get_by_text("伊藤 誠 さんの登録を確認済みにしました。")).to_be_visible()
    record.refresh_from_db()
    assert record.status == Review.VERIFIED

    # the journey shows it, in Japanese …
    page.goto("/training/")
    page.get_by_role("link", name="わたしのDXの歩みを見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("伊藤 誠 さんのDXの歩み")
    row = page.get_by_role("row").filter(has_text="基本情報技術者")
    expect(row.get_by_text("確認済み")).to_be_visible()
    shoot(page, "ledger", "3-journey-ja")
    # … and in English
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DX journey of 伊藤 誠")
    expect(
        page.get_by_role("row").filter(has_text="Fundamental IT Engineer").get_by_text("Verified")
    ).to_be_visible()
    shoot(page, "ledger", "4-journey-en")
    assert not sign_in.problems, sign_in.problems


def test_the_organiser_records_course_attendance_in_bulk_and_hr_sees_it_in_the_ledger(
    live_server, sign_in, shoot
):
    organiser = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER], employee_number="10001")
    hr = factories.UserFactory(roles=[Role.STAFF, Role.HR_ADMIN], employee_number="10003")
    people = [
        factories.UserFactory(last_name="受講", first_name=name)
        for name in ("一郎", "二郎", "三郎")
    ]
    absent = factories.UserFactory(last_name="欠席", first_name="四郎")
    course = factories.CourseFactory(
        fiscal_year=2024, kind=Course.Kind.INTERNAL, title="情報リテラシー研修", hours=3
    )

    page = sign_in(organiser)
    page.goto("/organiser/training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("研修コースと出欠")
    page.get_by_role("row").filter(has_text="情報リテラシー研修").get_by_role(
        "link", name="出欠を記録"
    ).click()
    for person in people:
        page.get_by_label(person.full_name, exact=False).check()
    shoot(page, "ledger", "5-attendance")
    page.get_by_role("button", name="出欠を保存").click()
    expect(page.get_by_text("出欠を保存しました。")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="情報リテラシー研修")).to_contain_text("3")
    recorded = set(
        CourseRecord.objects.filter(course=course, status=Review.VERIFIED).values_list(
            "person_id", flat=True
        )
    )
    assert recorded == {p.pk for p in people}

    hr_page = sign_in(hr)
    hr_page.goto("/hr/ledger/")
    expect(hr_page.get_by_role("heading", level=1)).to_have_text("人材台帳")
    expect(hr_page.get_by_role("row").filter(has_text="受講 一郎")).to_contain_text("3h")
    expect(hr_page.get_by_role("row").filter(has_text=absent.full_name)).to_contain_text("0h")
    shoot(hr_page, "ledger", "6-ledger")
    hr_page.get_by_label("出力").select_option("csv")
    with hr_page.expect_download() as download:
        hr_page.get_by_role("button", name="表示・出力").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert SCREENSHOTS.exists()
    assert not sign_in.problems, sign_in.problems
