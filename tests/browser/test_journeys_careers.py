"""Issue #14, the HR side in a real browser: a holder's name changes on marriage, HR
records it and re-issues the 認定証 (the old certificate's verify page says it was
re-issued and shows the current name); a person moves in the April 人事異動, HR records
the transfer with its date on the person's admin page, and the certification dashboard
counts them by the department at the time or, switched, the current one.

The data is built with the factories and the services; screenshots in
artifacts/screenshots/careers-*.png.
"""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import DepartmentAssignment, User
from accounts.roles import Role
from certification.credentials.models import CertificateReissue
from certification.models import Certification
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    hr = factories.UserFactory(
        roles=[Role.STAFF, Role.HR_ADMIN],
        employee_number="10003",
        last_name="野口",
        first_name="学",
        last_name_kana="ノグチ",
        first_name_kana="マナブ",
    )
    planning = factories.DepartmentFactory(code="420", name="都市計画課")
    digital = factories.DepartmentFactory(code="120", name="デジタル戦略課")
    holder = factories.UserFactory(
        employee_number="20007",
        last_name="高橋",
        first_name="由紀",
        last_name_kana="タカハシ",
        first_name_kana="ユキ",
        department=planning,
    )
    cert = factories.CertificationFactory(
        user=holder, fiscal_year=2023, decided_on=datetime.date(2024, 5, 20)
    )
    mover = factories.UserFactory(
        employee_number="20009",
        last_name="加藤",
        first_name="陽子",
        last_name_kana="カトウ",
        first_name_kana="ヨウコ",
        department=planning,
    )
    factories.CertificationFactory(user=mover, fiscal_year=2023)
    return {"hr": hr, "holder": holder, "cert": cert, "mover": mover, "digital": digital}


def _open_person(hr, reading: str, name: str):
    hr.goto("/admin/accounts/user/")
    hr.locator("#searchbar").fill(reading)
    hr.locator("#searchbar").press("Enter")
    hr.locator("#result_list tbody tr th a").first.click()
    expect(hr.locator("#content")).to_contain_text(name)


def test_hr_records_a_name_change_and_reissues_the_certificate(world, sign_in, shoot):
    holder, cert = world["holder"], world["cert"]
    old_id = cert.public_id
    hr = sign_in(world["hr"])
    _open_person(hr, "タカハシ", "高橋")
    hr.get_by_role("link", name="氏名の変更を記録").click()
    expect(hr.get_by_role("heading", name="氏名の変更を記録")).to_be_visible()
    hr.get_by_label("新しい姓（戸籍上）").fill("小林")
    hr.get_by_label("新しい名（戸籍上）").fill("由紀")
    hr.get_by_label("新しいセイ").fill("コバヤシ")
    hr.get_by_label("新しいメイ").fill("ユキ")
    hr.get_by_label("変更日").fill("2025-06-01")
    shoot(hr, "careers", "01-name-change-form")
    hr.get_by_role("button", name="記録する").click()
    expect(hr.locator(".messagelist")).to_contain_text("氏名の変更を記録しました")
    expect(hr.locator("#content")).to_contain_text("小林")
    assert User.objects.get(pk=holder.pk).full_name == "小林 由紀"

    hr.goto("/admin/certification/certification/")
    hr.locator("#searchbar").fill("コバヤシ")
    hr.locator("#searchbar").press("Enter")
    rows = hr.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    rows.first.locator("input.action-select").check()
    hr.locator("select[name=action]").select_option(label="認定証を再発行する（現在の氏名で）")
    hr.locator("button[name=index]").click()
    expect(hr.locator(".messagelist")).to_contain_text("小林 由紀 さんの認定証を再発行しました")
    shoot(hr, "careers", "02-reissued")
    new_id = Certification.objects.get(pk=cert.pk).public_id
    assert CertificateReissue.objects.get(public_id=old_id).new_public_id == new_id

    public = sign_in(None)
    public.goto(f"/verify/{old_id}/")
    expect(public.get_by_role("status")).to_contain_text("再発行済み（新しい認定証あり）")
    expect(public.locator(".card")).to_contain_text("小林 由紀")
    expect(public.locator(".card")).not_to_contain_text("高橋")
    shoot(public, "careers", "03-old-certificate-verify")
    public.get_by_role("link", name="新しい認定証の確認ページ").click()
    expect(public.locator(".card")).to_contain_text("小林 由紀")
    expect(public.locator(".card")).not_to_contain_text("再発行済み")
    shoot(public, "careers", "04-new-certificate-verify")


def test_hr_records_an_april_transfer_in_the_admin(world, sign_in, shoot):
    mover, digital = world["mover"], world["digital"]
    hr = sign_in(world["hr"])
    _open_person(hr, "カトウ", "加藤")
    hr.locator("#select2-id_department-container").click()
    hr.locator(".select2-search__field").fill("デジタル")
    hr.locator(".select2-results__option", has_text="デジタル戦略課").click()
    hr.get_by_label("異動日").fill("2024-04-01")
    shoot(hr, "careers", "05-transfer-form")
    hr.get_by_role("button", name="保存", exact=True).click()
    expect(hr.locator(".messagelist")).to_contain_text("変更しました")
    assert User.objects.get(pk=mover.pk).department == digital
    periods = DepartmentAssignment.objects.filter(user=mover)
    assert [(p.starts_on, p.ends_on) for p in periods] == [
        (None, datetime.date(2024, 3, 31)),
        (datetime.date(2024, 4, 1), None),
    ]
    _open_person(hr, "カトウ", "加藤")
    history = hr.locator("#department_assignments-group")
    expect(history).to_contain_text("都市計画課")
    expect(history).to_contain_text("デジタル戦略課")
    shoot(hr, "careers", "06-department-history")

    hr.goto("/organiser/certification/")
    table = hr.locator("#table-heading + nav + p + .table-responsive table")
    expect(table).to_contain_text("都市計画課")
    expect(table).not_to_contain_text("デジタル戦略課")
    shoot(hr, "careers", "07-dashboard-at-the-time")
    hr.get_by_role("link", name="現在の所属で数える").click()
    expect(table).to_contain_text("デジタル戦略課")
    shoot(hr, "careers", "08-dashboard-current")
