import pytest

from accounts.roles import Role
from tests import factories
from tests.showcase.matrix import closed_project_with_teams


@pytest.fixture
def organiser(db):
    return factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])


@pytest.fixture
def closed_team(db):
    """An approved team of a FY2023 project whose report meeting has closed."""
    _project, (team,) = closed_project_with_teams(themes=("保育所入所選考の効率化",))
    return team


@pytest.fixture
def case(closed_team, organiser):
    from showcase import services

    return services.case_publish(team=closed_team, by=organiser)
