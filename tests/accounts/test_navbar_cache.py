"""The navbar's role links are a cached template fragment keyed by the role set and the
language (templates/base.html, accounts.context_processors.roles): the cache must never
show someone the links of another role set or another language."""

import pytest
from django.contrib.auth.models import Group
from django.urls import Resolver404, resolve, reverse

from accounts.models import Grade
from accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _home(client):
    return client.get(reverse("home")).content.decode()


@pytest.fixture
def rating_link():
    return f'href="{reverse("evaluations:meeting_list")}"'


def test_a_role_given_shows_its_links_on_the_next_page(client, rating_link):
    user = factories.UserFactory()
    client.force_login(user)
    assert rating_link not in _home(client)
    user.groups.add(Group.objects.get(name=Role.EXECUTIVE))
    assert rating_link in _home(client)


def test_a_role_taken_away_hides_its_links_on_the_next_page(client, rating_link):
    user = factories.UserFactory(roles=[Role.STAFF, Role.EXECUTIVE])
    client.force_login(user)
    assert rating_link in _home(client)
    user.groups.remove(Group.objects.get(name=Role.EXECUTIVE))
    assert rating_link not in _home(client)


def test_people_with_the_same_roles_share_the_links_but_not_the_user_menu(client):
    first, second = factories.UserFactory(), factories.UserFactory()
    client.force_login(first)
    assert first.full_name in _home(client)
    client.force_login(second)
    page = _home(client)
    assert second.full_name in page and first.full_name not in page


def test_the_links_follow_the_language(client):
    client.force_login(factories.UserFactory())
    assert "参加プロジェクト" in _home(client)
    client.cookies["django_language"] = "en"
    page = _home(client)
    assert "参加プロジェクト" not in page
    assert 'lang="en"' in page


def test_the_benchmarks_floor_page_is_not_a_portal_page():
    with pytest.raises(Resolver404):
        resolve("/bench/floor/")


def test_a_head_and_a_colleague_with_the_same_roles_see_their_own_links(client):
    """所属長 is derived from the roster, not a role: it is in the cache key too."""
    consent_link = f'href="{reverse("projects:consent_list")}"'
    department = factories.DepartmentFactory()
    head = factories.UserFactory(department=department, grade=Grade.KACHO)
    colleague = factories.UserFactory(department=department)
    client.force_login(head)
    assert consent_link in _home(client)
    client.force_login(colleague)
    assert consent_link not in _home(client)
