"""A person who cannot take part is told why, from the predicate that decides it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grade
from tests import factories

pytestmark = pytest.mark.django_db


def _recruiting_now():
    year = timezone.localdate().year
    return factories.ProjectFactory(
        fiscal_year=year,
        recruitment_starts_on=timezone.localdate() - datetime.timedelta(days=1),
        recruitment_ends_on=timezone.localdate() + datetime.timedelta(days=30),
    )


def test_staff_above_the_grade_limit_read_why_there_is_no_button(client):
    project = _recruiting_now()
    client.force_login(factories.UserFactory(grade=Grade.KACHO_HOSA))

    html = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()

    assert "職位が応募できる上限（係長）を超えているため応募できません。" in html
    assert "チームを提案する" not in html


def test_staff_at_the_grade_limit_see_the_button_and_no_refusal(client):
    project = _recruiting_now()
    client.force_login(factories.UserFactory(grade=Grade.KAKARICHO))

    html = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()

    assert "チームを提案する" in html
    assert 'id="propose-refusal"' not in html
