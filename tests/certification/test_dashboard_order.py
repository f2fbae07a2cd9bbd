import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_departments_in_the_organisations_order(client, organiser):
    # By character code they would read 市民課, 福祉課, 総務課...
    for code, name in (("320", "福祉課"), ("110", "総務課"), ("210", "市民課")):
        department = factories.DepartmentFactory(code=code, name=name)
        factories.CertificationFactory(
            fiscal_year=2023, user=factories.UserFactory(department=department)
        )
    client.force_login(organiser)

    rows = client.get(reverse("certification:dashboard")).context["table_rows"]

    # ...but the city lists 総務課 (110), 市民課 (210), 福祉課 (320).
    assert [r["department"] for r in rows] == ["総務課", "市民課", "福祉課"]
