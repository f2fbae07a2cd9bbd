"""Permission matrix rows for every URL of the projects app (see tests/matrix.py).

The shared world has a FY2024 project in progress with one approved team (leader + member)
and its worksheet. `extend` adds a measured effect, a workshop, a project that is
recruiting (with a proposed team), a draft project, a past leave of the member and the
leader's current leader term.
"""

import datetime

from django.utils import timezone

from projects.models import LeaderTerm, MembershipLeave, Project, Team
from tests import factories
from tests.matrix import VIEW, Row, expect

STAFF_PAGE = expect(200, anonymous=302, external_expert=403)
STAFF_POST = expect(302, external_expert=403)
TEAM_ONLY = expect(403, anonymous=302, member=200, leader=200)
TEAM_ONLY_POST = expect(403, anonymous=302, member=302, leader=302)
ORGANISER_PAGE = expect(403, anonymous=302, organiser=200)
ORGANISER_POST = expect(403, anonymous=302, organiser=302)


def extend(world):
    world.effect = factories.MeasuredEffectFactory(worksheet=world.worksheet)
    world.workshop = factories.WorkshopFactory(project=world.project)
    today = timezone.localdate()
    world.recruiting = factories.ProjectFactory(
        fiscal_year=today.year,
        title="募集中のプロジェクト",
        status=Project.Status.RECRUITING,
        recruitment_starts_on=today - datetime.timedelta(days=30),
        recruitment_ends_on=today + datetime.timedelta(days=30),
    )
    world.proposed_team = factories.TeamFactory(
        project=world.recruiting, status=Team.Status.PROPOSED
    )
    factories.MembershipFactory(team=world.proposed_team, role="leader", status="applied")
    # Issue 14: a past leave of the member and the leader's current term (admin rows).
    world.leave = MembershipLeave.objects.create(
        membership=world.membership,
        kind=MembershipLeave.Kind.SICK,
        starts_on=datetime.date(2024, 6, 1),
        ends_on=datetime.date(2024, 6, 30),
    )
    world.leader_term = LeaderTerm.objects.create(team=world.team, user=world.leader)
    world.draft = factories.ProjectFactory(
        fiscal_year=today.year + 1, title="準備中のプロジェクト", status=Project.Status.DRAFT
    )


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


ROWS: list[Row] = [
    # --- staff pages ---
    Row("projects:project_list", STAFF_PAGE, query="?fiscal_year=2024&status=in_progress&q=BPR"),
    Row("projects:my_projects", STAFF_PAGE),
    Row("projects:my_attendance", STAFF_PAGE),
    Row(
        "projects:project_detail",
        expect(404, anonymous=302, external_expert=403, organiser=200, hr_admin=200),
        kwargs=pk("draft"),
        note="a draft is outside staff scope; organisers and HR see it",
    ),
    Row("projects:team_propose", STAFF_PAGE, kwargs=pk("recruiting")),
    Row("projects:team_detail", STAFF_PAGE, kwargs=pk("team")),
    Row(
        "projects:membership_apply",
        STAFF_POST,
        kwargs=pk("proposed_team"),
        method="post",
        note="eligible staff apply; the team's own people are refused with a message",
    ),
    Row(
        "projects:membership_withdraw",
        expect(404, anonymous=302, external_expert=403, member=302),
        kwargs=pk("membership"),
        method="post",
        note="only the person's own membership; refused after recruitment with a message",
    ),
    Row(
        "projects:worksheet_edit",
        TEAM_ONLY,
        kwargs=pk("team"),
        note="approved members and the leader, while the project is in progress",
    ),
    Row(
        "projects:effect_add",
        TEAM_ONLY_POST,
        kwargs=pk("team"),
        method="post",
        data=lambda w: {"label": "年間作業時間", "unit": "時間", "before": "1200", "after": "300"},
    ),
    Row("projects:effect_edit", TEAM_ONLY, kwargs=pk("effect")),
    Row("projects:effect_delete", TEAM_ONLY_POST, kwargs=pk("effect"), method="post"),
    # --- organiser pages ---
    Row("projects:organiser_project_list", ORGANISER_PAGE),
    Row("projects:organiser_project_create", ORGANISER_PAGE),
    Row("projects:organiser_project_manage", ORGANISER_PAGE, kwargs=pk("draft")),
    Row("projects:organiser_project_edit", ORGANISER_PAGE, kwargs=pk("project")),
    Row(
        "projects:organiser_project_transition",
        ORGANISER_POST,
        kwargs=pk("project"),
        method="post",
        data=lambda w: {"to": "reporting"},
    ),
    Row("projects:organiser_workshop_list", ORGANISER_PAGE, kwargs=pk("project")),
    Row(
        "projects:organiser_team_approve", ORGANISER_POST, kwargs=pk("proposed_team"), method="post"
    ),
    Row(
        "projects:organiser_team_reject", ORGANISER_POST, kwargs=pk("proposed_team"), method="post"
    ),
    Row(
        "projects:organiser_membership_approve",
        ORGANISER_POST,
        kwargs=pk("membership"),
        method="post",
        note="already approved: nothing changes",
    ),
    Row(
        "projects:organiser_membership_reject",
        ORGANISER_POST,
        kwargs=pk("membership"),
        method="post",
        note="refused (already approved) with a message",
    ),
    Row(
        "projects:organiser_team_members",
        ORGANISER_PAGE,
        kwargs=pk("team"),
        note="leave, early end and leader change of an approved team (issue 14)",
    ),
    Row(
        "projects:organiser_attendance",
        ORGANISER_POST,
        kwargs=pk("workshop"),
        method="post",
        data=lambda w: {"attended": [w.member.pk, w.leader.pk]},
    ),
]

ADMIN_MODELS = {
    f"projects.{model}": (VIEW, VIEW)
    for model in (
        "project",
        "team",
        "membership",
        "worksheet",
        "measuredeffect",
        "workshop",
        "membershipleave",
        "leaderterm",
    )
}
