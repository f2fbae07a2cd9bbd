"""A synthetic programme far larger than any Japanese city's, for the benchmarks.

Rows go straight in with bulk_create (the services are exercised by the test suite; here we
only need volume). Criterion-score rows are not generated: recomputation reads each
evaluation's stored 0–100 score, never its criterion rows.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction

from accounts.models import Department, Grade, User
from accounts.roles import Role
from evaluations.models import (
    Evaluation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
    Rubric,
)
from projects.models import Membership, Project, Team

BATCH = 5000


def _bulk(model, rows):
    model.objects.bulk_create(rows, batch_size=BATCH)


@transaction.atomic
def build(*, staff: int, years: int, teams: int, evaluations: int, seed: int = 1) -> dict:
    """Create `staff` people, `years` fiscal years of closed projects with `teams` teams in
    all, and about `evaluations` evaluations (policy, technical and leadership)."""
    rng = random.Random(seed)
    first_year = 2026 - years
    departments = [Department(code=f"B{i:03d}", name=f"ベンチ課{i}") for i in range(60)]
    _bulk(Department, departments)
    departments = list(Department.objects.filter(code__startswith="B"))

    executives_n = max(40, staff // 250)
    experts_n = max(10, staff // 2500)
    people = [
        User(
            employee_number=f"B{i:06d}",
            email=f"b{i}@bench.test",
            last_name="ベンチ",
            first_name=str(i),
            last_name_kana="ベンチ",
            first_name_kana="タロウ",
            department=departments[i % len(departments)],
            grade=Grade.SHUJI if i >= executives_n else Grade.BUCHO,
            password="!",  # unusable: no hashing cost
        )
        for i in range(staff)
    ]
    people += [
        User(email=f"x{i}@vendor.bench", last_name="専門家", first_name=str(i), password="!")
        for i in range(experts_n)
    ]
    _bulk(User, people)
    users = list(User.objects.filter(email__endswith=".bench").values_list("pk", flat=True)) + list(
        User.objects.filter(email__endswith="@bench.test")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    expert_ids = users[:experts_n]
    staff_ids = users[experts_n:]
    executive_ids = staff_ids[:executives_n]
    member_pool = staff_ids[executives_n:]
    groups = {g.name: g for g in Group.objects.all()}
    through = User.groups.through
    _bulk(through, [through(user_id=u, group_id=groups[Role.STAFF].pk) for u in staff_ids])
    _bulk(through, [through(user_id=u, group_id=groups[Role.EXECUTIVE].pk) for u in executive_ids])
    _bulk(
        through,
        [through(user_id=u, group_id=groups[Role.EXTERNAL_EXPERT].pk) for u in expert_ids],
    )

    teams_per_year = max(1, teams // years)
    per_team = max(3, evaluations // max(1, teams_per_year * years))
    policy_n = max(2, round(per_team * 0.6))
    technical_n = max(1, min(experts_n, round(per_team * 0.15)))
    leadership_n = max(2, per_team - policy_n - technical_n)

    counts = {"teams": 0, "memberships": 0, "evaluations": 0}
    for year in range(first_year, first_year + years):
        project = Project.objects.create(
            fiscal_year=year,
            title=f"{year} bench",
            status=Project.Status.CLOSED,
            recruitment_starts_on=datetime.date(year, 4, 1),
            recruitment_ends_on=datetime.date(year, 5, 31),
            team_size_max=20,
        )
        rubrics = {
            p: Rubric.objects.get_or_create(fiscal_year=year, perspective=p)[0]
            for p in Perspective.values
        }
        now = datetime.datetime(year + 1, 2, 1, tzinfo=datetime.UTC)
        meeting = ReportMeeting.objects.create(
            project=project,
            title=f"{year} 報告会",
            held_on=now.date(),
            status=ReportMeeting.Status.CLOSED,
            opened_at=now,
            closed_at=now,
        )
        LeadershipWindow.objects.create(
            project=project,
            closes_on=now.date(),
            status=LeadershipWindow.Status.CLOSED,
            opened_at=now,
            closed_at=now,
        )
        year_teams = [
            Team(
                project=project,
                name=f"T{year}-{i}",
                theme="bench",
                status=Team.Status.APPROVED,
                max_size=20,
                member_count=4,
            )
            for i in range(teams_per_year)
        ]
        _bulk(Team, year_teams)
        year_teams = list(Team.objects.filter(project=project).order_by("pk"))
        members = rng.sample(member_pool, min(len(member_pool), teams_per_year * 4))
        memberships, presentations = [], []
        for index, team in enumerate(year_teams):
            for slot, user_id in enumerate(members[index * 4 : index * 4 + 4]):
                memberships.append(
                    Membership(
                        team=team,
                        project=project,
                        user_id=user_id,
                        role=Membership.Role.LEADER if slot == 0 else Membership.Role.MEMBER,
                        status=Membership.Status.APPROVED,
                    )
                )
            presentations.append(
                Presentation(meeting=meeting, team=team, order=index + 1, title="bench")
            )
        _bulk(Membership, memberships)
        _bulk(Presentation, presentations)
        presentations = list(Presentation.objects.filter(meeting=meeting).order_by("pk"))
        rows = []
        for team, presentation in zip(year_teams, presentations, strict=True):
            base = rng.uniform(40, 90)
            for rater in rng.sample(executive_ids, min(policy_n, len(executive_ids))):
                rows.append(
                    _evaluation(
                        rater, Perspective.POLICY, rubrics, base, rng, presentation=presentation
                    )
                )
            for rater in rng.sample(expert_ids, min(technical_n, len(expert_ids))):
                rows.append(
                    _evaluation(
                        rater, Perspective.TECHNICAL, rubrics, base, rng, presentation=presentation
                    )
                )
            for rater in rng.sample(member_pool, leadership_n):
                rows.append(
                    _evaluation(rater, Perspective.LEADERSHIP, rubrics, base, rng, team=team)
                )
            if len(rows) >= BATCH * 4:
                _bulk(Evaluation, rows)
                counts["evaluations"] += len(rows)
                rows = []
        _bulk(Evaluation, rows)
        counts["evaluations"] += len(rows)
        counts["teams"] += len(year_teams)
        counts["memberships"] += len(memberships)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts["staff"] = len(staff_ids)
    return counts


def _evaluation(rater, perspective, rubrics, base, rng, *, presentation=None, team=None):
    score = min(100.0, max(0.0, rng.gauss(base, 12)))
    return Evaluation(
        evaluator_id=rater,
        perspective=perspective,
        rubric=rubrics[perspective],
        presentation=presentation,
        team=team,
        score=Decimal(f"{score:.2f}"),
    )
