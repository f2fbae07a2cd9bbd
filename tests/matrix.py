"""The URL × role permission matrix (see tests/test_permission_matrix.py).

Each app keeps its rows in `tests/<app>/matrix.py` as `ROWS: list[Row]`, and may define
`extend(world)` to add objects its URLs need. Every named URL of our apps must have a row,
or the matrix test fails.

Statuses: 200 (page shown), 302 (redirect: to the login page for anonymous, or after a
successful POST), 403 (role may not use this page), 404 (object outside the user's scope).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from accounts.models import Grade
from accounts.roles import Role
from evaluations.models import LeadershipWindow, ReportMeeting
from projects.models import Membership, Project
from tests import factories

ROLES = (
    "anonymous",
    "staff",
    "member",
    "leader",
    "executive",
    "external_expert",
    "organiser",
    "hr_admin",
    "department_head",
)


@dataclass
class Row:
    url_name: str
    expect: dict[str, int]
    kwargs: Callable[[SimpleNamespace], dict] = lambda world: {}
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] = lambda world: {}
    query: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


def expect(default: int, **overrides: int) -> dict[str, int]:
    """`expect(200, anonymous=302, external_expert=403)` → a status for every role."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, unknown
    # A 所属長 is a member of staff first: unless a row says otherwise, they get what
    # staff get.
    overrides.setdefault("department_head", overrides.get("staff", default))
    return {role: overrides.get(role, default) for role in ROLES}


def build_world() -> SimpleNamespace:
    """One small programme that every row can point at: a FY2024 project in progress with
    one approved team (leader + member), an open report meeting presenting that team, an
    open leadership window, and one person of each other role."""
    w = SimpleNamespace()
    w.project = factories.ProjectFactory(
        fiscal_year=2024,
        status=Project.Status.IN_PROGRESS,
        recruitment_starts_on=datetime.date(2024, 4, 1),
        recruitment_ends_on=datetime.date(2024, 5, 31),
    )
    w.leader = factories.UserFactory()
    w.member = factories.UserFactory()
    w.team = factories.TeamFactory(project=w.project)
    factories.MembershipFactory(team=w.team, user=w.leader, role=Membership.Role.LEADER)
    w.membership = factories.MembershipFactory(team=w.team, user=w.member)
    w.worksheet = factories.WorksheetFactory(team=w.team)
    w.staff = factories.UserFactory()
    w.executive = factories.ExecutiveFactory()
    w.external_expert = factories.ExpertFactory()
    w.organiser = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])
    w.hr_admin = factories.UserFactory(roles=[Role.STAFF, Role.HR_ADMIN])
    # The member's 課長 by the roster (accounts.selectors): their 所属長.
    w.department_head = factories.UserFactory(department=w.member.department, grade=Grade.KACHO)
    w.meeting = factories.ReportMeetingFactory(project=w.project, status=ReportMeeting.Status.OPEN)
    w.presentation = factories.PresentationFactory(meeting=w.meeting, team=w.team, order=1)
    w.window = factories.LeadershipWindowFactory(
        project=w.project, status=LeadershipWindow.Status.OPEN
    )
    return w


# --- the admin's model pages ------------------------------------------------------------
# Every model registered in the admin has an entry in `ADMIN_MODELS` of its app's matrix
# module: label → (what the organiser reaches, what the HR admin reaches), each a tuple of
# the page kinds that answer 200; the other kinds answer 403. Everyone else is sent to the
# admin's login page (302). tests/test_permission_matrix.py walks every kind × 9 roles.

ADMIN_KINDS = ("changelist", "add", "change", "delete", "history")
NO_ACCESS: tuple[str, ...] = ()
VIEW = ("changelist", "change", "history")
VIEW_ADD = (*VIEW, "add")
