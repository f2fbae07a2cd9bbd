"""Finding 12: a password reset for an unknown address sends no mail to it."""

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_reset_for_an_unknown_address_sends_no_mail(client):
    response = client.post(reverse("account_reset_password"), {"email": "stranger@example.com"})

    assert response.status_code == 302  # the same answer as for a known address
    assert mail.outbox == []


def test_a_reset_for_a_known_address_sends_one_mail_to_it(client):
    factories.UserFactory(email="hanako@city.test")

    response = client.post(reverse("account_reset_password"), {"email": "hanako@city.test"})

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["hanako@city.test"]]
