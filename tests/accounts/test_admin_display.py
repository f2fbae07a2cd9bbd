"""The admin shows dates, years, decimals, roles and yes/no through our one helper."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

WESTERN_DATE = re.compile(r"20\d\d年\d{1,2}月\d{1,2}日")


@pytest.fixture
def hr(client, hr_admin):
    client.force_login(hr_admin)
    return client


def test_a_readonly_datetime_in_the_admin_is_in_the_japanese_era(hr):
    user = factories.UserFactory()
    user.date_joined = timezone.make_aware(datetime.datetime(2026, 11, 30, 11, 28))
    user.save()

    html = hr.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()

    assert "令和8年11月30日 11:28" in html
    assert not WESTERN_DATE.search(html)


def test_the_certification_list_shows_the_fiscal_year_as_reiwa(hr):
    factories.CertificationFactory(fiscal_year=2023)

    html = hr.get(reverse("admin:certification_certification_changelist")).content.decode()

    assert "令和5年度" in html
    assert ">2023<" not in html


def test_boolean_icons_in_the_admin_have_words_for_alt_text(hr):
    factories.UserFactory(is_active=True)

    html = hr.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert 'alt="True"' not in html and 'alt="False"' not in html
    assert 'alt="はい"' in html


def test_hr_sees_roles_by_their_japanese_names_not_group_codes(hr):
    user = factories.UserFactory()

    changelist = hr.get(reverse("admin:accounts_user_changelist")).content.decode()
    change = hr.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()

    for html in (changelist, change):
        assert "幹部職員" in html and "人事担当" in html
        assert ">executive<" not in html and ">hr_admin<" not in html


def test_the_role_filter_finds_the_executives(hr):
    executive = factories.UserFactory(roles=["staff", "executive"])
    factories.UserFactory()

    response = hr.get(reverse("admin:accounts_user_changelist"), {"role": "executive"})

    assert list(response.context["cl"].result_list) == [executive]


def test_a_decimal_in_the_admin_has_no_trailing_zeros(hr):
    effect = factories.MeasuredEffectFactory(before=Decimal("1200.00"), after=Decimal("300.50"))

    html = hr.get(reverse("admin:projects_measuredeffect_changelist")).content.decode()

    assert "1,200" in html and "300.5" in html
    assert "1200.00" not in html
    assert effect.label in html


def test_the_admin_action_list_starts_with_please_choose_not_dashes(hr):
    # The certification list has actions for HR (the staff list has none since HR may not
    # delete people).
    factories.CertificationFactory()

    html = hr.get(reverse("admin:certification_certification_changelist")).content.decode()

    assert "選択してください" in html
    assert "---------" not in html


def test_the_admin_greets_as_the_portal_does(hr, hr_admin):
    html = hr.get(reverse("admin:index")).content.decode()

    assert f"ようこそ、{hr_admin.full_name} 様" in html


def test_the_department_select_offers_please_choose_not_dashes(hr):
    html = hr.get(reverse("admin:accounts_user_add")).content.decode()

    assert "---------" not in html
