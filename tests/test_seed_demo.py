import pytest
from django.apps import apps
from django.core.management import call_command


def snapshot() -> dict[str, int]:
    """Row counts of every table of ours, history tables included."""
    ours = {"accounts", "projects", "evaluations", "training", "certification"}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ours
    }


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)


def test_seed_demo_builds_a_believable_city(seeded):
    from accounts.models import Department, User

    assert Department.objects.count() >= 15
    assert User.objects.in_role("staff").count() >= 80
    assert User.objects.in_role("executive").exists()
    assert User.objects.in_role("external_expert").count() == 2


def test_running_seed_demo_twice_changes_nothing(seeded, django_capture_on_commit_callbacks):
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)

    assert snapshot() == before


def test_seed_demo_holds_courses_and_qualifications_some_verified(seeded):
    from training.models import Course, CourseRecord, QualificationRecord, Review

    assert Course.objects.filter(kind="internal").count() >= 4
    assert CourseRecord.objects.filter(status=Review.VERIFIED, recorded_by__isnull=False).exists()
    statuses = set(QualificationRecord.objects.values_list("status", flat=True))
    assert statuses == {Review.VERIFIED, Review.PENDING, Review.RETURNED}
