"""The showcase pages run as many queries for a larger programme (more published cases
with tags and effects, more interests, more teams in every project state)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Project
from showcase import services
from showcase.models import AdoptionInterest
from tests import factories
from tests.matrix import build_world
from tests.showcase.matrix import closed_project_with_teams, extend

pytestmark = pytest.mark.django_db


def grow(world, n: int) -> None:
    """n more of everything: a closed project with published and unpublished cases, each
    with a tag and interests in every status; a project in progress and one recruiting."""
    _project, teams = closed_project_with_teams(
        fiscal_year=2023, themes=[f"保育所の業務{i}" for i in range(n)] + ["未公開の事例"]
    )
    tag = services.theme_tag_add(name=f"タグ{world.grown}", by=world.organiser)
    world.grown += 1
    for team in teams[:-1]:
        case = services.case_publish(team=team, by=world.organiser, tags=[tag, world.tag])
        factories.MembershipFactory(team=team, user=factories.UserFactory())
        for status in AdoptionInterest.Status.values:
            interest = services.adoption_interest_register(case=case, by=factories.UserFactory())
            if status != AdoptionInterest.Status.INTERESTED:
                interest.status = status
                interest.adopted_on = "2025-06-01" if status == "adopted" else None
                interest.save()
    for status in (Project.Status.IN_PROGRESS, Project.Status.RECRUITING):
        project = factories.ProjectFactory(fiscal_year=2025, status=status)
        factories.team_with(project=project, members=1)
    # The member's own teams grow too (my_showcase).
    factories.MembershipFactory(team=teams[0], user=world.member)
    services.name_consent_set(team=teams[0], user=world.member, show_name=False)


PAGES = [
    ("showcase:library", "staff", lambda w: {}, ""),
    ("showcase:library", "staff", lambda w: {}, "?q=保育所&fiscal_year=2023"),
    ("showcase:library", "staff", lambda w: {}, "?tag=__tag__"),
    ("showcase:year_showcase", "staff", lambda w: {"fiscal_year": 2023}, ""),
    ("showcase:case_detail", "staff", lambda w: {"pk": w.case.pk}, ""),
    ("showcase:case_detail", "organiser", lambda w: {"pk": w.case.pk}, ""),
    ("showcase:case_detail", "team", lambda w: {"pk": w.case.pk}, ""),
    ("showcase:my_showcase", "member", lambda w: {}, ""),
    ("showcase:organiser_showcase", "organiser", lambda w: {}, ""),
    ("showcase:organiser_adoption_list", "organiser", lambda w: {}, ""),
    ("showcase:organiser_adoption_list", "organiser", lambda w: {}, "?status=adopted"),
    ("certification:dashboard", "organiser", lambda w: {}, ""),
]


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "role", "kwargs", "query"), PAGES, ids=[f"{p[0]}-{p[1]}{p[3]}" for p in PAGES]
)
def test_the_page_runs_as_many_queries_for_a_larger_showcase(client, url_name, role, kwargs, query):
    world = build_world()
    extend(world)
    world.grown = 0
    world.team_person = world.case_team.memberships.first().user
    actor = world.team_person if role == "team" else getattr(world, role)
    client.force_login(actor)
    url = reverse(url_name, kwargs=kwargs(world)) + query.replace("__tag__", str(world.tag.pk))
    grow(world, 1)
    client.get(url)
    small = count(client, url)

    grow(world, 4)
    large = count(client, url)

    assert large <= small, f"{url_name} as {role}: {small} queries, then {large}"
