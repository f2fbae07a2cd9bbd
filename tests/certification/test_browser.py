"""HR revokes a certification in the admin, in a real browser (Debian's Chromium)."""

import pytest

from certification.models import Certification
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_revokes_a_certification_found_by_the_members_reading(live_server, page):
    hr = factories.UserFactory(roles=["staff", "hr_admin"], employee_number="10003")
    member = factories.UserFactory(
        last_name="荒井", first_name="美咲", last_name_kana="アライ", first_name_kana="ミサキ"
    )
    cert = factories.CertificationFactory(user=member, level=1, fiscal_year=2023)
    factories.CertificationFactory()  # someone else, not to be touched

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", hr.employee_number)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/admin/certification/certification/")
    page.fill("#searchbar", "アライ")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    rows.first.locator("input.action-select").check()
    page.select_option("select[name=action]", "revoke_action")
    page.click("button[name=index]")
    page.wait_for_load_state()

    page.fill("textarea[name=reason]", "評価の誤入力が判明したため")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert "取消を起案しました" in page.content()
    cert.refresh_from_db()
    assert cert.status == Certification.Status.ACTIVE  # until another HR admin decides
    from certification.models import DecisionLine
    from tests.certification.helpers import approve

    approve(DecisionLine.objects.get(certification=cert, kind="revoke"))

    cert.refresh_from_db()
    assert cert.status == Certification.Status.REVOKED
    assert cert.history.first().history_change_reason == "評価の誤入力が判明したため"
    assert Certification.objects.filter(status="active").count() == 1
