"""Reads of the showcase app. Each page's data in a fixed number of queries."""

from __future__ import annotations

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Department
from evaluations.models import Presentation, ReportMeeting
from projects.models import MeasuredEffect, Membership, Project, Team

from .models import AdoptionInterest, NameConsent, ShowcaseCase, ThemeTag
from .text import search_terms


def _published():
    return ShowcaseCase.objects.filter(status=ShowcaseCase.Status.PUBLISHED)


def _with_listing(queryset):
    return queryset.select_related("department", "team", "team__project").prefetch_related(
        "tags",
        Prefetch("team__worksheet__effects", queryset=MeasuredEffect.objects.order_by("order")),
    )


def library_search(
    *,
    q: str = "",
    fiscal_year: int | None = None,
    department: Department | None = None,
    tag: ThemeTag | None = None,
):
    """Published cases across years matching every word of `q` (a substring of the
    normalised title, team, theme, worksheet, effects and tags: 「保育所」 finds
    「保育所入所選考」) and the filters.

    On PostgreSQL the substring test is a LIKE on `search_text`, which the pg_trgm GIN
    index serves, and the hits are ranked by trigram word similarity to the title; on
    SQLite (the demo) the same LIKE, ranked by 年度."""
    cases = _published()
    if fiscal_year:
        cases = cases.filter(fiscal_year=fiscal_year)
    if department is not None:
        cases = cases.filter(department=department)
    if tag is not None:
        cases = cases.filter(tags=tag)
    terms = search_terms(q)
    for term in terms:
        # The column is stored normalised (NFKC, casefolded), so `contains` is the
        # case-blind test; Django's `icontains` would wrap the column in UPPER() and
        # miss the trigram index.
        cases = cases.filter(search_text__contains=term)
    if terms and connection.vendor == "postgresql":
        cases = cases.annotate(rank=TrigramWordSimilarity(" ".join(terms), "title")).order_by(
            "-rank", "-fiscal_year", "title", "pk"
        )
    return _with_listing(cases)


def library_filter_choices() -> dict:
    """The 年度, 所属 and tags that published cases have (three queries)."""
    published = _published()
    years = sorted(set(published.values_list("fiscal_year", flat=True)), reverse=True)
    departments = list(
        Department.objects.filter(
            pk__in=published.exclude(department=None).values("department")
        ).order_by("code")
    )
    return {"years": years, "departments": departments, "tags": list(ThemeTag.objects.all())}


def showcase_years() -> list[int]:
    return sorted(set(_published().values_list("fiscal_year", flat=True)), reverse=True)


def showcase_of_year(fiscal_year: int):
    """The year's published cases with their worksheets and effects, and the year's
    closed report meetings (404 when nothing of that year is published)."""
    cases = list(
        _with_listing(_published().filter(fiscal_year=fiscal_year)).select_related(
            "team__worksheet"
        )
    )
    if not cases:
        raise Http404
    meetings = list(
        ReportMeeting.objects.filter(
            project__fiscal_year=fiscal_year, status=ReportMeeting.Status.CLOSED
        )
        .select_related("project")
        .order_by("held_on", "pk")
    )
    return cases, meetings


def case_detail(pk: int) -> ShowcaseCase:
    return get_object_or_404(
        ShowcaseCase.objects.select_related(
            "department", "team", "team__project", "team__worksheet", "team__target_department"
        ).prefetch_related(
            "tags",
            Prefetch("team__worksheet__effects", queryset=MeasuredEffect.objects.order_by("order")),
        ),
        pk=pk,
    )


def case_team(case: ShowcaseCase) -> tuple[list[Membership], list[dict]]:
    """The team's approved memberships, and the people as the showcase shows them: the
    name of each member who consents (no consent row: consents), the others only counted
    (two queries)."""
    memberships = list(
        Membership.objects.filter(team_id=case.team_id, status=Membership.Status.APPROVED)
        .select_related("user", "user__department")
        .order_by("role", "user__last_name_kana", "user__first_name_kana", "pk")  # leader first
    )
    hidden = set(
        NameConsent.objects.filter(team_id=case.team_id, show_name=False).values_list(
            "user_id", flat=True
        )
    )
    people = [
        {"membership": m, "shown": m.user_id not in hidden, "is_leader": m.is_leader}
        for m in memberships
    ]
    return memberships, people


def case_slides(case: ShowcaseCase) -> Presentation | None:
    """The team's presentation with materials at a closed report meeting (the latest)."""
    return (
        Presentation.objects.filter(
            team_id=case.team_id, meeting__status=ReportMeeting.Status.CLOSED
        )
        .exclude(materials="")
        .select_related("meeting")
        .order_by("-meeting__held_on", "-pk")
        .first()
    )


def case_interests(case: ShowcaseCase) -> list[AdoptionInterest]:
    return list(
        AdoptionInterest.objects.filter(case=case)
        .select_related("user", "department")
        .order_by("created_at", "pk")
    )


def case_interest_counts(case: ShowcaseCase) -> dict:
    counts = dict(
        AdoptionInterest.objects.filter(case=case)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {"total": sum(counts.values()), **counts}


def own_interests_in(case: ShowcaseCase, user) -> list[AdoptionInterest]:
    return list(AdoptionInterest.objects.filter(case=case, user=user).select_related("department"))


def my_teams(user) -> list[Membership]:
    """The person's approved memberships, each with `show_name` (their choice, default
    on) and `case_pk` (the published case or None): three queries."""
    memberships = list(
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED)
        .select_related("team", "team__project")
        .order_by("-project__fiscal_year", "team__name", "pk")
    )
    hidden = set(
        NameConsent.objects.filter(user=user, show_name=False).values_list("team_id", flat=True)
    )
    cases = dict(
        _published()
        .filter(team_id__in=[m.team_id for m in memberships])
        .values_list("team_id", "pk")
    )
    for membership in memberships:
        membership.show_name = membership.team_id not in hidden
        membership.case_pk = cases.get(membership.team_id)
    return memberships


def my_interests(user) -> list[AdoptionInterest]:
    return list(
        AdoptionInterest.objects.filter(user=user)
        .select_related("case", "department")
        .order_by("-created_at", "pk")
    )


def own_team(user, team_pk: int) -> Team:
    """A team `user` is an approved member of (404 otherwise)."""
    return get_object_or_404(
        Team.objects.filter(
            memberships__user=user, memberships__status=Membership.Status.APPROVED
        ).distinct(),
        pk=team_pk,
    )


# --- the organiser ---------------------------------------------------------------------


def organiser_projects() -> list[Project]:
    """Every project with its approved teams, each with `case` (or None) and whether a
    report meeting of the project has closed (`publishable`): four queries."""
    closed = ReportMeeting.objects.filter(
        project=OuterRef("pk"), status=ReportMeeting.Status.CLOSED
    )
    projects = list(
        Project.objects.annotate(has_closed_meeting=Exists(closed))
        .prefetch_related(
            Prefetch(
                "teams",
                queryset=Team.objects.filter(status=Team.Status.APPROVED)
                .select_related("target_department")
                .order_by("name", "pk"),
                to_attr="approved_teams",
            )
        )
        .order_by("-fiscal_year", "title", "pk")
    )
    team_ids = [t.pk for p in projects for t in p.approved_teams]
    cases = {
        case.team_id: case
        for case in ShowcaseCase.objects.filter(team_id__in=team_ids).prefetch_related("tags")
    }
    for project in projects:
        for team in project.approved_teams:
            team.case = cases.get(team.pk)
    return [p for p in projects if p.approved_teams]


def adoption_list(*, status: str = ""):
    interests = AdoptionInterest.objects.select_related(
        "case", "user", "department", "status_changed_by"
    ).order_by("-created_at", "pk")
    if status:
        interests = interests.filter(status=status)
    return interests


def adoption_for_organiser(pk: int) -> AdoptionInterest:
    return get_object_or_404(AdoptionInterest.objects.select_related("case"), pk=pk)


# --- the dashboard (called by certification) ---------------------------------------------


def adoption_effects() -> list[dict]:
    """横展開の効果: per unit, the measured reductions (before − after) of every adopted
    case, counted once per adoption, and how many adoptions and cases (one query).

    A case adopted by two 課 counts twice: each 課 saves what the team measured."""
    return list(
        MeasuredEffect.objects.filter(
            worksheet__team__showcase_case__interests__status=AdoptionInterest.Status.ADOPTED
        )
        .values("unit")
        .annotate(
            total=Sum(F("before") - F("after")),
            adoptions=Count("worksheet__team__showcase_case__interests", distinct=True),
            cases=Count("worksheet__team__showcase_case", distinct=True),
        )
        .order_by("unit")
    )


def adoption_counts() -> dict:
    """How many interests are in each status (one query)."""
    rows = AdoptionInterest.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
