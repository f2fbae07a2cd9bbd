"""Permission matrix rows for every URL of the projects app (see tests/matrix.py).

The shared world has a FY2024 project in progress with one approved team (leader + member)
and its worksheet. `extend` adds a measured effect, a workshop, a project that is
recruiting (with a proposed team), a draft project, a past leave of the member and the
leader's current leader term.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from projects import services
from projects.models import ActivityLog, HeadConsent, LeaderTerm, MembershipLeave, Project, Team
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
    # 所属長の承認 (issue 12): a colleague of the member (same 課, so w.department_head is
    # their 所属長) has applied to the proposed team and waits for the head.
    world.consent_applicant = factories.UserFactory(department=world.member.department)
    world.consent_membership = factories.MembershipFactory(
        team=world.proposed_team, user=world.consent_applicant, status="applied"
    )
    world.consent = HeadConsent.objects.create(membership=world.consent_membership)
    world.draft = factories.ProjectFactory(
        fiscal_year=today.year + 1, title="準備中のプロジェクト", status=Project.Status.DRAFT
    )
    extend_hours(world)


#: A Monday of the shared project's year (FY2024), and the cap of its weeks.
HOURS_WEEK = datetime.date(2024, 5, 27)  # the workshop's week (Saturday 1 June)
HOURS_CAP = Decimal(4)


def extend_hours(world):
    """Activity hours (issue 12): a cap of 4 h a week on the shared project; the member
    attended a workshop (2 h) and logged 2.5 h the same week (over the cap: a notice),
    and 3 h in the next week (near the cap)."""
    Project.objects.filter(pk=world.project.pk).update(weekly_hours_cap=HOURS_CAP)
    world.project.weekly_hours_cap = HOURS_CAP
    factories.AttendanceFactory(
        workshop=world.workshop, user=world.member, attended=True, recorded_by=world.organiser
    )
    world.activity_log = services.activity_log_create(
        by=world.member,
        team=world.team,
        worked_on=HOURS_WEEK + datetime.timedelta(days=2),
        hours=Decimal("2.5"),
        note="業務フローの聞き取り",
    )
    services.activity_log_create(
        by=world.member,
        team=world.team,
        worked_on=HOURS_WEEK + datetime.timedelta(days=7),
        hours=Decimal(3),
        note="ワークシートの作成",
    )


def grow_hours(world, *, teams: int) -> None:
    """More activity hours for the constant-query test: new teams of the shared project
    whose members (colleagues of the member, so the 所属長 sees them too, and people of
    other departments) log hours in two weeks and attend the workshop; the member logs
    another week."""
    for index in range(teams):
        team = factories.TeamFactory(project=world.project)
        for department in (world.member.department, None):
            person = (
                factories.UserFactory(department=department)
                if department
                else factories.UserFactory()
            )
            factories.MembershipFactory(team=team, user=person)
            factories.AttendanceFactory(
                workshop=world.workshop, user=person, attended=True, recorded_by=world.organiser
            )
            for week in (0, 7):
                ActivityLog.objects.create(
                    user=person,
                    team=team,
                    project=world.project,
                    worked_on=HOURS_WEEK + datetime.timedelta(days=week + 1),
                    hours=Decimal(index + 1),
                    note="活動",
                )
    ActivityLog.objects.create(
        user=world.member,
        team=world.team,
        project=world.project,
        worked_on=HOURS_WEEK + datetime.timedelta(days=14 + teams),
        hours=Decimal(1),
        note="活動",
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
    # --- 所属長 pages (issue 12) ---
    Row(
        "projects:consent_list",
        expect(403, anonymous=302, executive=200, department_head=200),
        note="heads by the roster only (an executive heads their 部); each sees their own",
    ),
    Row(
        "projects:consent_decide",
        expect(403, anonymous=302, executive=404, department_head=200),
        kwargs=pk("consent"),
        note="only the applicant's 所属長; another head (the executive's 部) gets 404",
    ),
    # --- activity hours (issue 12) ---
    Row("projects:hours_mine", STAFF_PAGE, query="?fiscal_year=2024"),
    Row(
        "projects:hours_edit",
        expect(404, anonymous=302, external_expert=403, member=200),
        kwargs=pk("activity_log"),
        note="only the entry's author",
    ),
    Row(
        "projects:hours_delete",
        expect(404, anonymous=302, external_expert=403, member=302),
        kwargs=pk("activity_log"),
        method="post",
        note="only the entry's author",
    ),
    Row(
        "projects:hours_staff",
        expect(403, anonymous=302, department_head=200, executive=200),
        query="?fiscal_year=2024",
        note="所属長 only (by the roster); the executive heads their own 部 in the world",
    ),
    Row("projects:organiser_hours", ORGANISER_PAGE, query="?fiscal_year=2024"),
    Row("projects:organiser_hours_export_csv", ORGANISER_PAGE, query="?fiscal_year=2024"),
    Row("projects:organiser_hours_export_xlsx", ORGANISER_PAGE, query="?fiscal_year=2024"),
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
        "projects:organiser_leave_end",
        ORGANISER_POST,
        kwargs=pk("leave"),
        method="post",
        data=lambda w: {"ends_on": "2024-06-30"},
        note="the leave's recorded end again: nothing changes",
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
        "headconsent",
        "activitylog",
        "hoursnotice",
    )
}
