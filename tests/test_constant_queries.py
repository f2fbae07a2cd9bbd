"""Every page of ours runs a constant number of queries.

For each GET row of the permission matrix, the first role that gets a 200 opens the page
on the shared world (grown a little), then again after the world has grown more (more
projects, teams, members, presentations and evaluations); the query count must not grow.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations import services as evaluation_services
from evaluations.models import Perspective
from projects.models import HeadConsent, Membership, Team
from tests import factories
from tests.matrix import ROLES, build_world
from tests.projects.matrix import grow_hours
from tests.test_permission_matrix import ROWS

GET_ROWS = sorted(
    name
    for name, (row, _extend) in ROWS.items()
    if row.method == "get" and 200 in row.expect.values()
)


def grow(world, *, teams: int = 4, raters: int = 3) -> None:
    """More of everything a page could list, on the same project, meeting and window."""
    for _ in range(teams):
        team = factories.TeamFactory(project=world.project)
        factories.MembershipFactory(team=team, role=Membership.Role.LEADER)
        factories.MembershipFactory.create_batch(2, team=team)
        presentation = factories.PresentationFactory(
            meeting=world.meeting, team=team, order=100 + team.pk
        )
        rubric = factories.RubricFactory(
            fiscal_year=world.project.fiscal_year, perspective=Perspective.POLICY
        )
        for _ in range(raters):
            evaluation_services.evaluation_submit(
                evaluator=factories.ExecutiveFactory(),
                perspective=Perspective.POLICY,
                presentation=presentation,
                scores={c.pk: 4 for c in rubric.criteria.all()},
            )
    for _ in range(teams):
        project = factories.ProjectFactory(fiscal_year=2022, status="in_progress")
        factories.MembershipFactory(team=factories.TeamFactory(project=project))
    if getattr(world, "qualification", None) is not None:  # added by the training matrix
        from tests.training.matrix import grow as grow_training

        grow_training(world, teams)
    if getattr(world, "activity_log", None) is not None:  # added by the projects matrix
        grow_hours(world, teams=teams)
    recruiting = getattr(world, "recruiting", None)  # added by the projects matrix
    if recruiting is not None:
        for index in range(teams):
            team = factories.TeamFactory(
                project=recruiting, status=Team.Status.PROPOSED if index % 2 else "approved"
            )
            factories.MembershipFactory(
                team=team,
                role=Membership.Role.LEADER,
                status="applied" if index % 2 else "approved",
            )

    consent = getattr(world, "consent", None)  # 所属長の承認, added by the projects matrix
    if consent is not None:
        grow_consents(world, count=teams)


def grow_consents(world, *, count: int) -> None:
    """More applications of the department head's 課: pending, consented and declined."""
    decisions = ("pending", "consented", "declined")
    for index in range(count * 3):
        team = factories.TeamFactory(project=world.recruiting, status=Team.Status.APPROVED)
        membership = factories.MembershipFactory(
            team=team,
            user=factories.UserFactory(department=world.member.department),
            status="applied",
        )
        decision = decisions[index % 3]
        HeadConsent.objects.create(
            membership=membership,
            decision=decision,
            decided_by=None if decision == "pending" else world.department_head,
            decided_at=None if decision == "pending" else timezone.now(),
            coverage="係内で分担" if decision == "consented" else "",
            reason="繁忙期" if decision == "declined" else "",
        )


def count(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


#: Pages whose query count depends on who looks: (row, role, kwargs) beyond the first
#: role with a 200 that the matrix rows give. An eligible staff member on a recruiting
#: project sees an "apply" button per team (eligibility once, not per team).
VIEWER_CASES = {
    # 所属長の承認 (issue 12): the matrix's first 200 is an executive heading an empty 部.
    "consent_list_department_head": (
        "projects:consent_list",
        "department_head",
        lambda w: {},
    ),
    "my_projects_applicant_waiting_for_the_head": (
        "projects:my_projects",
        "consent_applicant",
        lambda w: {},
    ),
    "organiser_manage_recruiting_with_consents": (
        "projects:organiser_project_manage",
        "organiser",
        lambda w: {"pk": w.recruiting.pk},
    ),
    # A 認定証 superseded by a re-issue (issue #14): the old id still verifies.
    "verify_reissued_certificate": (
        "certification:verify",
        "anonymous",
        lambda w: {"public_id": w.reissue.public_id},
    ),
    "credential_of_a_reissued_certificate": (
        "certification:credential_json",
        "anonymous",
        lambda w: {"public_id": w.reissue.public_id},
    ),
    "project_detail_recruiting_eligible_staff": (
        "projects:project_detail",
        "staff",
        lambda w: {"pk": w.recruiting.pk},
    ),
    # Activity hours: the member who logged (the first role with a 200 is staff, who has
    # none) and the 所属長 of the member (the first is the executive, who heads nobody
    # with hours).
    "hours_mine_member": ("projects:hours_mine", "member", lambda w: {}, "?fiscal_year=2024"),
    "hours_staff_department_head": (
        "projects:hours_staff",
        "department_head",
        lambda w: {},
        "?fiscal_year=2024",
    ),
}


def assert_constant(client, url_name, role, kwargs, query="") -> None:
    row, extend = ROWS[url_name]
    world = build_world()
    if extend:
        extend(world)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    url = reverse(row.url_name, kwargs=kwargs(world)) + query
    # A first growth makes every kind of row exist (a perspective with scores, a second
    # year...), so what is compared next is only *more* of the same.
    grow(world, teams=1, raters=2)
    client.get(url)  # warm caches that are per-process, not per-request
    status, small = count(client, url)
    assert status == 200

    grow(world, teams=4, raters=3)
    status, large = count(client, url)

    assert status == 200
    assert large <= small, f"{url_name} as {role}: {small} queries, then {large}"


@pytest.mark.parametrize("url_name", GET_ROWS)
def test_the_page_runs_as_many_queries_for_a_larger_programme(client, db, url_name):
    row, _extend = ROWS[url_name]
    role = next(r for r in ROLES if row.expect[r] == 200)
    assert_constant(client, url_name, role, row.kwargs, row.query)


@pytest.mark.parametrize("case", sorted(VIEWER_CASES))
def test_the_page_runs_as_many_queries_for_this_viewer_too(client, db, case):
    url_name, role, kwargs, *query = VIEWER_CASES[case]
    assert_constant(client, url_name, role, kwargs, *query)
