"""allauth's pages in the portal's Japanese: whom to ask, full-width marks, one term."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_password_reset_page_says_whom_to_ask(client, settings):
    settings.PASSWORD_HELP_CONTACT = "人事課（内線 2111）"

    html = client.get(reverse("account_reset_password")).content.decode()

    assert "人事課（内線 2111）にお問い合わせください" in html
    assert "ご連絡ください" not in html


def test_the_two_factor_page_and_the_menu_use_one_term(client):
    from tests import factories

    client.force_login(factories.UserFactory())

    html = client.get(reverse("mfa_index")).content.decode()

    assert "二要素認証" in html
    assert "多要素認証" not in html
