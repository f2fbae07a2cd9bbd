"""Reads of the projects app. Every function carries the user's visibility and loads what
its page shows in a fixed number of queries, whatever the number of projects, teams or
members."""

from __future__ import annotations

import datetime

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import is_city_staff, is_programme_admin

from .models import (
    Attendance,
    LeaderTerm,
    MeasuredEffect,
    Membership,
    MembershipLeave,
    Project,
    Team,
    Workshop,
)

LIVE_TEAM_STATUSES = (Team.Status.PROPOSED, Team.Status.APPROVED)


def _projects_seen_by(user: User) -> QuerySet[Project]:
    """Projects `user` may see, nothing else: organisers and HR all, staff every non-draft
    project, anyone else none."""
    if is_programme_admin(user):
        return Project.objects.all()
    if is_city_staff(user):
        return Project.objects.exclude(status=Project.Status.DRAFT)
    return Project.objects.none()


def projects_visible_to(
    user: User,
    *,
    fiscal_year: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Project]:
    """Projects `user` may see (`_projects_seen_by`), filtered, annotated with
    `team_count` (proposed or approved teams) and `member_count` (live memberships of
    those teams). The counts are subqueries, not joins: a page of projects counts only
    its own teams, and the paginator's COUNT(*) leaves them out."""
    qs = _projects_seen_by(user)
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(teams__theme__icontains=q, teams__status__in=LIVE_TEAM_STATUSES)
            | Q(teams__name__icontains=q, teams__status__in=LIVE_TEAM_STATUSES)
        ).distinct()
    teams = Team.objects.filter(project=OuterRef("pk"), status__in=LIVE_TEAM_STATUSES)
    members = Membership.objects.filter(
        project=OuterRef("pk"),  # indexed: the one live membership per project and person
        team__status__in=LIVE_TEAM_STATUSES,
        status__in=Membership.LIVE,
    )
    return qs.annotate(
        team_count=_count_of(teams, "project"),
        member_count=_count_of(members, "project"),
    ).order_by("-fiscal_year", "title")


def _count_of(rows: QuerySet, per: str) -> Coalesce:
    """COUNT(*) of `rows` (correlated to the outer project by `per`), as a subquery."""
    counted = rows.order_by().values(per).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def visible_statuses(user: User) -> list[tuple[str, str]]:
    """The project states `user` can see projects in (choices): staff never see a draft."""
    if is_programme_admin(user):
        return list(Project.Status.choices)
    return [(value, label) for value, label in Project.Status.choices if value != Project.Status.DRAFT]


def visible_fiscal_years(user: User) -> list[int]:
    return list(
        _projects_seen_by(user)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def _live_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(status__in=Membership.LIVE)
        .select_related("user__department", "head_consent")
        .order_by("role", "user__last_name_kana", "user__first_name_kana"),
    )


def _all_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user__department", "head_consent").order_by(
            "role", "status", "user__last_name_kana", "user__first_name_kana"
        ),
    )


def _teams_prefetch(*, all_statuses: bool) -> Prefetch:
    teams = Team.objects.select_related("target_department", "worksheet").order_by("name")
    if not all_statuses:
        teams = teams.filter(status__in=LIVE_TEAM_STATUSES)
    return Prefetch(
        "teams",
        queryset=teams.prefetch_related(
            _all_memberships() if all_statuses else _live_memberships(),
            Prefetch("worksheet__effects", queryset=MeasuredEffect.objects.order_by("order")),
        ),
    )


def project_detail(user: User, pk: int) -> Project:
    """One project with its live teams, leaders, members and worksheet summaries; 404 when
    `user` may not see it."""
    return get_object_or_404(
        projects_visible_to(user).prefetch_related(_teams_prefetch(all_statuses=False)),
        pk=pk,
    )


def project_by_pk(pk: int) -> Project:
    """One project by id for the organiser's pages (404 if missing)."""
    return get_object_or_404(Project, pk=pk)


def team_by_pk(pk: int) -> Team:
    """One team by id for the organiser's decisions (404 if missing)."""
    return get_object_or_404(Team, pk=pk)


def membership_for_decision(pk: int) -> Membership:
    """One membership with its person, for the organiser's decisions (404 if missing)."""
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk)


def leave_for_end(pk: int) -> MembershipLeave:
    """One recorded leave with its membership's team, for closing it (404 if missing)."""
    return get_object_or_404(
        MembershipLeave.objects.select_related("membership__user", "membership__team"), pk=pk
    )


def own_membership(user: User, pk: int) -> Membership:
    """`user`'s own membership `pk` with its team and project; 404 for anyone else's."""
    return get_object_or_404(Membership.objects.select_related("team__project"), pk=pk, user=user)


def project_for_management(pk: int) -> Project:
    """For the organiser's page: every team and membership, whatever their state."""
    return get_object_or_404(
        Project.objects.select_related("created_by").prefetch_related(
            _teams_prefetch(all_statuses=True),
            Prefetch("workshops", queryset=Workshop.objects.order_by("held_on")),
        ),
        pk=pk,
    )


def projects_for_organiser() -> QuerySet[Project]:
    """Every project, with the decisions waiting: proposed teams and applications ready
    for the organiser, and those still waiting for the applicant's 所属長 (issue 12)."""
    awaiting_head = Q(
        requires_head_consent=True, teams__memberships__head_consent__decision="pending"
    )
    applied = Q(teams__memberships__status=Membership.Status.APPLIED)
    return Project.objects.annotate(
        team_count=Count("teams", filter=Q(teams__status__in=LIVE_TEAM_STATUSES), distinct=True),
        pending_teams=Count(
            "teams",
            filter=Q(teams__status=Team.Status.PROPOSED)
            & Q(teams__memberships__role=Membership.Role.LEADER)
            & applied
            & ~awaiting_head,
            distinct=True,
        ),
        pending_applications=Count(
            "teams__memberships",
            filter=applied & Q(teams__memberships__role=Membership.Role.MEMBER) & ~awaiting_head,
            distinct=True,
        ),
        awaiting_head=Count("teams__memberships", filter=applied & awaiting_head, distinct=True),
    ).order_by("-fiscal_year", "title")


def workshops_of(project: Project) -> QuerySet[Workshop]:
    return project.workshops.annotate(
        present=Count("attendances", filter=Q(attendances__attended=True))
    ).order_by("held_on", "pk")


def live_membership_in(user: User, project: Project) -> Membership | None:
    """The user's live membership in `project`, if any (one query)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(project=project, user=user, status__in=Membership.LIVE)
        .select_related("team__project", "head_consent")
        .first()
    )


def team_detail(user: User, pk: int) -> Team:
    """A live team of a project `user` may see, with members, worksheet and effects."""
    visible = projects_visible_to(user).values("pk")
    teams = Team.objects.filter(project__in=visible)
    if not is_programme_admin(user):
        teams = teams.filter(status__in=LIVE_TEAM_STATUSES)
    return get_object_or_404(
        teams.select_related(
            "project", "target_department", "worksheet__updated_by"
        ).prefetch_related(
            _live_memberships(),
            Prefetch("worksheet__effects", queryset=MeasuredEffect.objects.order_by("order")),
        ),
        pk=pk,
    )


def effect_for_edit(user: User, pk: int) -> MeasuredEffect:
    """A measured effect of a team `user` may see (404 otherwise)."""
    visible = projects_visible_to(user).values("pk")
    return get_object_or_404(
        MeasuredEffect.objects.select_related("worksheet__team__project").filter(
            worksheet__team__project__in=visible
        ),
        pk=pk,
    )


def my_memberships(user: User) -> QuerySet[Membership]:
    """Every membership of `user`, newest project first, with team and project."""
    return (
        Membership.objects.filter(user=user)
        .select_related("team__project", "team__worksheet", "head_consent")
        .order_by("-project__fiscal_year", "-applied_at")
    )


def my_projects(user: User) -> QuerySet[Membership]:
    """Alias kept for readers who look for "my projects": see `my_memberships`."""
    return my_memberships(user)


def my_attendance(user: User) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(user=user)
        .select_related("workshop__project")
        .order_by("-workshop__project__fiscal_year", "workshop__held_on")
    )


def workshop_for_attendance(pk: int) -> tuple[Workshop, list[Membership], set[int]]:
    """A workshop, the approved members of its project's approved teams (by team, then
    reading) and the ids of those marked present: three queries."""
    workshop = get_object_or_404(Workshop.objects.select_related("project"), pk=pk)
    members = list(
        Membership.objects.filter(
            project=workshop.project,
            status=Membership.Status.APPROVED,
            team__status=Team.Status.APPROVED,
        )
        .select_related("user", "team")
        .order_by("team__name", "role", "user__last_name_kana", "user__first_name_kana")
    )
    present = set(
        Attendance.objects.filter(workshop=workshop, attended=True).values_list(
            "user_id", flat=True
        )
    )
    return workshop, members, present


def programme_effects_by_year(*, fiscal_year: int | None = None) -> list[dict]:
    """The programme's measured impact: for each 年度 and unit, the sum of (before − after)
    over the worksheets of approved teams of non-draft projects, and how many teams
    contributed. One query. Rows: {"fiscal_year", "unit", "total", "teams", "effects"}."""
    qs = MeasuredEffect.objects.filter(
        worksheet__team__status=Team.Status.APPROVED,
    ).exclude(worksheet__team__project__status=Project.Status.DRAFT)
    if fiscal_year:
        qs = qs.filter(worksheet__team__project__fiscal_year=fiscal_year)
    reduction = ExpressionWrapper(
        F("before") - F("after"), output_field=DecimalField(max_digits=13, decimal_places=2)
    )
    return list(
        qs.values("unit", fiscal_year=F("worksheet__team__project__fiscal_year"))
        .annotate(
            total=Sum(reduction),
            teams=Count("worksheet__team", distinct=True),
            effects=Count("pk"),
        )
        .order_by("fiscal_year", "unit")
        .values("fiscal_year", "unit", "total", "teams", "effects")
    )


# --- leave, early end and leader changes (issue 14) ------------------------------------------


def _covers(day: datetime.date, prefix: str = "") -> Q:
    """A dated record (`starts_on`, `ends_on` inclusive, open-ended while empty) covering
    `day`; an empty `starts_on` means from the beginning."""
    return (Q(**{f"{prefix}starts_on__isnull": True}) | Q(**{f"{prefix}starts_on__lte": day})) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


def available_memberships(qs: QuerySet[Membership], *, on: datetime.date) -> QuerySet[Membership]:
    """The APPROVED memberships of `qs` whose person takes part on `on`: not ended before
    it (`ended_on` is the last day taken part) and not on leave (休止) that day. No query
    of its own: a filter to compose."""
    on_leave = MembershipLeave.objects.filter(_covers(on), membership_id=OuterRef("pk"))
    return qs.filter(status=Membership.Status.APPROVED).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on), ~Exists(on_leave)
    )


def unavailable_memberships(qs: QuerySet[Membership], *, on: datetime.date):
    """The APPROVED memberships of `qs` whose person does NOT take part on `on` (ended or
    on leave), with their user: the ones a page names as 休止中・途中終了."""
    available = available_memberships(Membership.objects.all(), on=on).values("pk")
    return (
        qs.filter(status=Membership.Status.APPROVED)
        .exclude(pk__in=available)
        .select_related("user")
    )


def leader_at(team: Team, day: datetime.date) -> User | None:
    """Who led `team` on `day`: the leader term covering it, or, for a team whose leader
    never changed (no term), its LEADER membership (one or two queries)."""
    terms = LeaderTerm.objects.filter(team=team)
    term = terms.filter(_covers(day)).select_related("user__department").first()
    if term is not None:
        return term.user
    if terms.exists():
        return None
    membership = (
        Membership.objects.filter(
            team=team, role=Membership.Role.LEADER, status=Membership.Status.APPROVED
        )
        .select_related("user__department")
        .first()
    )
    return membership.user if membership else None


def team_for_absences(pk: int) -> Team:
    """The organiser's leave / end / leader page of an approved team: its approved
    memberships with their leaves and its leader terms (four queries)."""
    return get_object_or_404(
        Team.objects.select_related("project").prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(status=Membership.Status.APPROVED)
                .select_related("user__department")
                .prefetch_related("leaves")
                .order_by("-role", "user__last_name_kana", "pk"),
                to_attr="approved_memberships",
            ),
            Prefetch(
                "leader_terms",
                queryset=LeaderTerm.objects.select_related("user").order_by(
                    F("starts_on").asc(nulls_first=True), "pk"
                ),
            ),
        ),
        pk=pk,
        status=Team.Status.APPROVED,
    )
