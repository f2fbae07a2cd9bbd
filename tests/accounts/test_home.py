from django.urls import reverse

from accounts.models import Department, Grade
from accounts.roles import Role
from tests.factories import UserFactory


def test_the_home_page_shows_name_department_and_roles(client, db):
    department = Department.objects.create(code="120", name="デジタル戦略課")
    user = UserFactory(
        last_name="石崎",
        first_name="努",
        department=department,
        grade=Grade.KAKARICHO,
        roles=[Role.STAFF, Role.ORGANISER],
    )
    client.force_login(user)

    html = client.get(reverse("home")).content.decode()

    assert "石崎 努" in html
    assert "デジタル戦略課" in html
    assert "係長" in html
    assert "DX推進担当" in html


def test_the_home_page_needs_a_login(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 302


def test_the_home_page_runs_a_constant_number_of_queries(
    client, staff, django_assert_max_num_queries
):
    client.force_login(staff)

    with django_assert_max_num_queries(8):
        client.get(reverse("home"))
