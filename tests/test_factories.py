from evaluations.models import Perspective
from projects.models import Membership
from tests import factories


def test_a_team_with_a_leader_and_two_members_counts_three_live_places(db):
    team = factories.team_with(members=2)

    assert team.member_count == 3
    assert team.memberships.filter(role=Membership.Role.LEADER).count() == 1


def test_an_evaluation_factory_builds_a_policy_evaluation_with_its_rubric(db):
    evaluation = factories.EvaluationFactory()

    assert evaluation.rubric.perspective == Perspective.POLICY
    assert evaluation.rubric.criteria.count() == 3
    assert evaluation.evaluator.has_role("executive")
