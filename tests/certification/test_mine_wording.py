"""わたしの認定 says what is withheld, and what comes next after a revocation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Certification
from evaluations.models import LeadershipWindow
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = pytest.mark.django_db


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("certification:my_certification")).content.decode()


def test_a_closed_window_with_too_few_answers_reads_withheld_not_pending(client):
    leader = factories.UserFactory()
    scored_team(Raters(), leader=leader, leadership=(71, 73))  # 2 answers < 3

    html = _page(client, leader)

    assert "非表示（回答者が3人未満のため）" in html
    assert "72点" not in html


def test_an_open_window_still_reads_pending(client):
    leader = factories.UserFactory()
    scored_team(
        Raters(),
        leader=leader,
        leadership=(71, 73),
        window_status=LeadershipWindow.Status.OPEN,
    )

    html = _page(client, leader)

    assert "非表示（回答者が" not in html
    assert "評価待ち" in html


def test_after_hr_revokes_the_only_level_the_heading_names_no_next_level(client):
    member = factories.UserFactory()
    scored_team(Raters(), members=[member])
    # As the two-person revocation leaves it (proposal approved): revoked, never deleted.
    factories.CertificationFactory(
        user=member,
        level=1,
        fiscal_year=2024,
        status=Certification.Status.REVOKED,
        revoked_at=timezone.now(),
    )

    html = _page(client, member)

    assert "DXエキスパートまでの条件" not in html
    assert "DXアドバイザーまでの条件" not in html
    assert "今後の認定" in html
