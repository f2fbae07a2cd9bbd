"""The demo city's showcase: every team of a closed report meeting published with tags,
and one 横展開 in progress (保育所入所選考の効率化, 検討中)."""

import pytest

from accounts import demo as accounts_demo
from evaluations import demo as evaluations_demo
from projects import demo as projects_demo
from showcase import demo, selectors
from showcase.models import AdoptionInterest, ShowcaseCase

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            accounts_demo.seed_people()
            projects_demo.seed()
            evaluations_demo.seed()
            counts = demo.seed()
            yield counts
            transaction.set_rollback(True)


def test_the_demo_publishes_the_teams_of_the_closed_meetings(seeded):
    assert seeded["published"] == ShowcaseCase.objects.filter(status="published").count() > 0
    assert set(ShowcaseCase.objects.values_list("fiscal_year", flat=True)) == {2022, 2023, 2024}


def test_the_demo_library_finds_hoikusho(seeded):
    titles = [case.title for case in selectors.library_search(q="保育所")]
    assert "保育所入所選考の効率化" in titles


def test_the_demo_has_one_adoption_in_progress(seeded):
    interest = AdoptionInterest.objects.get()
    assert interest.case.title == "保育所入所選考の効率化"
    assert interest.status == AdoptionInterest.Status.CONSIDERING
    assert interest.user.employee_number not in ("20001", "20002")


def test_seeding_the_showcase_again_changes_nothing(seeded):
    assert demo.seed() == {"published": 0, "interests": 0}
