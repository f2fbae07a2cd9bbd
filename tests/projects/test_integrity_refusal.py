"""Constraint violations become refusals by the constraint's name, not by their text."""

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction

from projects.exceptions import AlreadyInTeam, InvalidData, LeaderExists, TeamFull
from projects.models import Membership, Team
from projects.services._common import _integrity_refusal, constraint_name
from tests import factories


def violation(action) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        action()
    return caught.value


@pytest.mark.postgres
def test_postgresql_names_each_constraint_and_each_becomes_its_refusal(db):
    team = factories.team_with(members=1)
    user = team.memberships.filter(role="member").get().user
    other = factories.TeamFactory(project=team.project)

    cases = {
        "membership_one_live_per_project": (
            lambda: Membership.objects.create(team=other, project=team.project, user=user),
            AlreadyInTeam,
        ),
        "membership_one_leader_per_team": (
            lambda: Membership.objects.create(
                team=team, project=team.project, user=factories.UserFactory(), role="leader"
            ),
            LeaderExists,
        ),
        "team_never_exceeds_max_size": (
            lambda: Team.objects.filter(pk=team.pk).update(member_count=team.max_size + 1),
            TeamFull,
        ),
        "team_name_unique_in_project": (
            lambda: factories.TeamFactory(project=team.project, name=team.name),
            InvalidData,
        ),
    }
    for name, (action, refusal) in cases.items():
        error = violation(action)
        assert constraint_name(error) == name
        assert type(_integrity_refusal(error)) is refusal, name


class DriverError(Exception):
    """Stands in for psycopg2's error, which carries `diag.constraint_name`."""

    def __init__(self, constraint: str):
        super().__init__(constraint)
        self.diag = SimpleNamespace(constraint_name=constraint)


def fake(text: str, constraint: str | None = None) -> IntegrityError:
    error = IntegrityError(text)
    if constraint is not None:
        error.__cause__ = DriverError(constraint)
    return error


def test_the_constraint_name_wins_over_words_in_the_message():
    error = fake('violates "membership_one_live_per_project"', "team_never_exceeds_max_size")
    assert isinstance(_integrity_refusal(error), TeamFull)


def test_the_same_team_name_is_refused_in_japanese():
    refusal = _integrity_refusal(fake("duplicate", "team_name_unique_in_project"))
    assert str(refusal) == "このプロジェクトには同じ名前のチームがあります。"


def test_an_unknown_constraint_is_a_conflict_to_retry():
    refusal = _integrity_refusal(fake("duplicate key", "some_other_constraint"))
    assert str(refusal) == "他の操作と競合しました。もう一度お試しください。"


@pytest.mark.parametrize(
    ("message", "refusal"),
    [
        (
            "UNIQUE constraint failed: projects_membership.project_id, projects_membership.user_id",
            AlreadyInTeam,
        ),
        ("UNIQUE constraint failed: projects_membership.team_id", LeaderExists),
        ("CHECK constraint failed: team_never_exceeds_max_size", TeamFull),
        ("UNIQUE constraint failed: projects_team.project_id, projects_team.name", InvalidData),
    ],
)
def test_sqlite_messages_without_a_name_are_recognised_by_their_columns(message, refusal):
    assert type(_integrity_refusal(fake(message))) is refusal
