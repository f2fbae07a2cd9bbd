"""A 年度's rule set chooses raw or normalised perspective means (judge severity, decision
record 0022): the pure contract, the gathering, the recompute and its evidence."""

from decimal import Decimal

import pytest

from certification import rules, selectors
from certification.models import Certification
from certification.services import certifications_recompute
from evaluations.models import Perspective
from projects.models import Membership
from tests import factories
from tests.certification.helpers import meeting_of, project_of

# ------------------------------------------------------------------- the pure contract


def test_a_rule_set_uses_raw_scores_unless_it_says_otherwise():
    assert rules.RuleSet(fiscal_year=2024).score_basis == rules.RAW


def test_a_rule_set_refuses_an_unknown_score_basis():
    with pytest.raises(ValueError):
        rules.RuleSet(fiscal_year=2024, score_basis="median")


def test_the_report_score_uses_the_normalised_means_when_the_rule_set_says_so():
    p = rules.Participation(
        fiscal_year=2024,
        team=1,
        role=rules.MEMBER,
        policy_scores=(50, 52),
        technical_scores=(60,),
        normalised_policy_scores=(70, 72),
        normalised_technical_scores=(60,),
    )

    raw = rules.report_score(p, rules.RuleSet(fiscal_year=2024))
    normalised = rules.report_score(p, rules.RuleSet(fiscal_year=2024, score_basis="normalised"))

    assert raw == pytest.approx(51 * 0.6 + 60 * 0.4)
    assert normalised == pytest.approx(71 * 0.6 + 60 * 0.4)


def test_normalised_rules_without_normalised_scores_are_an_error_not_a_silent_raw():
    p = rules.Participation(
        fiscal_year=2024, team=1, role=rules.MEMBER, policy_scores=(50, 52), technical_scores=(60,)
    )

    with pytest.raises(ValueError):
        rules.report_score(p, rules.RuleSet(fiscal_year=2024, score_basis="normalised"))


def test_normalised_scores_come_one_per_raw_score():
    with pytest.raises(ValueError):
        rules.Participation(
            fiscal_year=2024,
            team=1,
            role=rules.MEMBER,
            policy_scores=(50, 52),
            normalised_policy_scores=(70,),
        )


def test_evidence_under_raw_rules_reads_as_it_always_did():
    p = rules.Participation(
        fiscal_year=2024, team=1, role=rules.MEMBER, policy_scores=(70, 70), technical_scores=(70,)
    )

    [award] = rules.decide([p], {}).awards

    [team] = award.evidence["teams"]
    assert "score_basis" not in team and "score_basis" not in team["rules"]


def test_evidence_under_normalised_rules_records_the_basis_and_both_means():
    p = rules.Participation(
        fiscal_year=2024,
        team=1,
        role=rules.MEMBER,
        policy_scores=(50, 52),
        technical_scores=(60,),
        normalised_policy_scores=(70, 72),
        normalised_technical_scores=(61,),
    )
    rule_set = rules.RuleSet(fiscal_year=2024, score_basis="normalised")

    [award] = rules.decide([p], {2024: rule_set}).awards

    [team] = award.evidence["teams"]
    assert team["score_basis"] == "normalised"
    assert team["rules"]["score_basis"] == "normalised"
    assert team["policy_mean"] == 51 and team["normalised_policy_mean"] == 71
    assert team["normalised_technical_mean"] == 61


# ------------------------------------------------------------------------- the database


@pytest.fixture
def severity_meeting(db):
    """FY2024, four teams A–D at one closed meeting. Executive E1 (harsh) scored A, B, C;
    E2 (lenient) B, C, D; E3 everyone; the expert gave every team 60. Team A drew the
    harsh one without the lenient one: raw policy 51 (report 54.6, fails), normalised
    64.2 (report 62.5, passes); team B the other way round (raw 60, normalised 53.0)."""
    project = project_of(2024)
    meeting = meeting_of(project)
    executives = [factories.ExecutiveFactory() for _ in range(3)]
    expert = factories.ExpertFactory()
    policy = {
        "A": {0: 40, 2: 62},
        "B": {0: 30, 1: 90, 2: 60},
        "C": {0: 50, 1: 100, 2: 70},
        "D": {1: 80, 2: 55},
    }
    teams = {}
    for order, (name, scores) in enumerate(policy.items(), start=1):
        team = factories.TeamFactory(project=project, name=f"チーム{name}")
        leader = factories.UserFactory()
        factories.MembershipFactory(team=team, user=leader, role=Membership.Role.LEADER)
        presentation = factories.PresentationFactory(meeting=meeting, team=team, order=order)
        for index, score in scores.items():
            factories.EvaluationFactory(
                presentation=presentation,
                evaluator=executives[index],
                perspective=Perspective.POLICY,
                score=Decimal(score),
            )
        factories.EvaluationFactory(
            presentation=presentation,
            evaluator=expert,
            perspective=Perspective.TECHNICAL,
            score=Decimal(60),
        )
        teams[name] = team
    return meeting, teams, executives


def leader_of(team):
    return team.memberships.get(role=Membership.Role.LEADER).user


def test_gather_carries_normalised_scores_only_for_a_year_that_uses_them(severity_meeting):
    _meeting, teams, _executives = severity_meeting
    leader = leader_of(teams["A"])

    raw = selectors.gather(user_ids=[leader.pk]).participations[leader.pk][0]
    factories.RuleSetFactory(fiscal_year=2024, score_basis="normalised")
    normalised = selectors.gather(user_ids=[leader.pk]).participations[leader.pk][0]

    assert raw.normalised_policy_scores == ()
    assert sorted(raw.policy_scores) == [40, 62]
    assert len(normalised.normalised_policy_scores) == 2
    assert sum(normalised.normalised_policy_scores) / 2 == pytest.approx(64.179343, abs=1e-5)


def test_gather_reads_the_normalised_scores_in_one_more_query(
    severity_meeting, django_assert_num_queries
):
    _meeting, teams, _executives = severity_meeting
    factories.RuleSetFactory(fiscal_year=2024, score_basis="normalised")
    leaders = [leader_of(t).pk for t in teams.values()]

    with django_assert_num_queries(7):
        selectors.gather(user_ids=leaders)


def test_a_team_that_drew_the_harsh_executive_is_certified_only_when_the_year_opts_in(
    severity_meeting, automatic_mode
):
    _meeting, teams, _executives = severity_meeting
    leader = leader_of(teams["A"])

    certifications_recompute(user_ids=[leader.pk])
    assert not Certification.objects.filter(user=leader).exists()

    factories.RuleSetFactory(fiscal_year=2024, score_basis="normalised")
    certifications_recompute(user_ids=[leader.pk])

    cert = Certification.objects.get(user=leader)
    [team] = cert.evidence["teams"]
    assert team["score_basis"] == "normalised"
    assert team["report_score"] == pytest.approx(62.507606, abs=1e-5)
    assert team["policy_mean"] == 51


def test_report_results_compare_both_bases_and_flag_a_changed_outcome(severity_meeting):
    _meeting, teams, _executives = severity_meeting

    results = selectors.report_results(teams=[teams[n] for n in "ABCD"], compare=True)

    a, b, c = results[teams["A"].pk], results[teams["B"].pk], results[teams["C"].pk]
    assert (a.raw_state, a.normalised_state, a.state) == ("unmet", "met", "unmet")
    assert a.basis_changes_outcome and b.basis_changes_outcome
    assert not c.basis_changes_outcome
    assert a.score == a.raw_score  # the default rule set certifies on raw scores


def test_report_results_follow_the_years_basis(severity_meeting):
    _meeting, teams, _executives = severity_meeting
    factories.RuleSetFactory(fiscal_year=2024, score_basis="normalised")

    result = selectors.report_results(teams=[teams["A"]])[teams["A"].pk]

    assert result.state == "met"
    assert result.score == pytest.approx(62.507606, abs=1e-5)


def test_hr_reads_the_corrected_means_in_the_evidence_table():
    from certification.admin.evidence import evidence_table

    html = str(
        evidence_table(
            {
                "teams": [
                    {
                        "team": 1,
                        "role": "member",
                        "policy_mean": 51,
                        "policy_raters": 2,
                        "technical_mean": 60,
                        "technical_raters": 1,
                        "report_score": 62.5,
                        "score_basis": "normalised",
                        "normalised_policy_mean": 64.18,
                        "normalised_technical_mean": 60,
                        "rules": {"score_basis": "normalised"},
                    }
                ]
            }
        )
    )

    assert "補正後 64.2" in html and "補正後 60" in html
