"""Two people race for the last place of a team, each on their own connection."""

import datetime
import threading

import pytest
from django.db import connection

from projects import services
from projects.exceptions import TeamFull
from projects.models import Membership, Project, Team
from tests import factories

TODAY = datetime.date(2024, 5, 1)


@pytest.mark.postgres
def test_two_people_racing_for_the_last_place_one_gets_it(transactional_db):
    project = factories.ProjectFactory(
        status=Project.Status.RECRUITING,
        recruitment_starts_on=datetime.date(2024, 4, 1),
        recruitment_ends_on=datetime.date(2024, 5, 31),
        team_size_min=1,
        team_size_max=2,
    )
    team = factories.team_with(project=project, status=Team.Status.APPROVED)  # leader: 1 of 2
    racers = [factories.UserFactory(), factories.UserFactory()]
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def race(user):
        try:
            barrier.wait(timeout=5)
            outcomes[user.pk] = services.membership_apply(team=team, by=user, today=TODAY)
        except TeamFull as error:
            outcomes[user.pk] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=race, args=(user,)) for user in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    winners = [o for o in outcomes.values() if isinstance(o, Membership)]
    losers = [o for o in outcomes.values() if isinstance(o, TeamFull)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert str(losers[0]) == "このチームは定員に達しています。"
    team.refresh_from_db()
    assert team.member_count == 2
    assert Membership.objects.filter(team=team, status__in=Membership.LIVE).count() == 2
