"""Evaluations and certifications are personnel data: the logs carry ids only.

The scenario writes distinctive personal data (a name, a 職員番号, an e-mail address,
per-evaluator scores, a report score and a comment), runs scoring, closing and
certifying with every log level captured, then looks for each of those values, read back
from the database, in the captured text. `test_the_check_finds_a_logged_name` shows the
search would see a leak.
"""

import logging
from decimal import Decimal

from certification.models import Certification
from certification.services import certifications_recompute
from evaluations import services as evaluation_services
from evaluations.models import Evaluation, Perspective, ReportMeeting
from tests import factories

COMMENT = "ここだけの講評コメント"
# Per-criterion scores (three criteria of weight 1): evaluation scores 83.33, 91.67, 66.67.
SCORES = {
    Perspective.POLICY: [(5, 4, 4), (5, 5, 4)],
    Perspective.TECHNICAL: [(4, 4, 3)],
}


def _score_texts(value) -> set[str]:
    """How a score could appear in a log line: as stored, as a float, rounded."""
    value = Decimal(str(value))
    return {str(value), repr(float(value)), f"{value:.1f}", f"{value:.2f}"} - {"100.0", "100"}


def _run_the_scenario(caplog, capture_on_commit):
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.OPEN)
    presentation = factories.PresentationFactory(meeting=meeting)
    member = presentation.team.memberships.first().user
    member.last_name, member.first_name = "秘密野", "花子"
    member.employee_number, member.email = "S-90417", "hanako.himitsuno@city.test"
    member.save()
    organiser = factories.UserFactory(roles=["staff", "organiser"])
    with caplog.at_level(logging.DEBUG), capture_on_commit(execute=True):
        for perspective, rater_scores in SCORES.items():
            rubric = factories.RubricFactory(
                fiscal_year=meeting.project.fiscal_year, perspective=perspective
            )
            criteria = list(rubric.criteria.order_by("order"))
            for scores in rater_scores:
                rater = (
                    factories.ExecutiveFactory()
                    if perspective == Perspective.POLICY
                    else factories.ExpertFactory()
                )
                evaluation_services.evaluation_submit(
                    evaluator=rater,
                    perspective=perspective,
                    presentation=presentation,
                    scores={c.pk: s for c, s in zip(criteria, scores, strict=True)},
                    comment=COMMENT,
                )
        evaluation_services.meeting_close(meeting=meeting, by=organiser)
        certifications_recompute(notify=True)
        # 認定決裁: an HR admin approves the proposal, which publishes and mails.
        from certification.models import DecisionBatch
        from tests.certification.helpers import approve

        approve(DecisionBatch.objects.get())
    return member


def _personal_values(member) -> list[str]:
    """What must never be logged, as it actually is in the database."""
    evaluation_scores = list(Evaluation.objects.values_list("score", flat=True))
    assert sorted(evaluation_scores) == [Decimal("66.67"), Decimal("83.33"), Decimal("91.67")]
    (certification,) = Certification.objects.filter(user=member)
    (team,) = certification.evidence["teams"]
    report = team["report_score"]
    assert report is not None and round(report) == 79  # 87.5 * 0.6 + 66.67 * 0.4
    values = {
        member.last_name + member.first_name,
        f"{member.last_name} {member.first_name}",
        member.last_name,
        member.employee_number,
        member.email,
        COMMENT,
    }
    for score in (*evaluation_scores, report, team["policy_mean"], team["technical_mean"]):
        values |= _score_texts(score)
    return sorted(values)


def test_scoring_closing_and_certifying_log_no_names_numbers_emails_scores_or_comments(
    db, caplog, django_capture_on_commit_callbacks
):
    member = _run_the_scenario(caplog, django_capture_on_commit_callbacks)

    assert "recompute" in caplog.text  # the logs were captured, with ids and counts
    leaked = [value for value in _personal_values(member) if value in caplog.text]
    assert not leaked, f"personal data in the logs: {leaked}"


def test_the_check_finds_a_logged_name(db, caplog, django_capture_on_commit_callbacks, monkeypatch):
    """The search above is not blind: a service that logged the person's name is caught."""
    original = evaluation_services.meeting_close

    def leaky_close(*, meeting, by):
        for membership in meeting.presentations.get().team.memberships.all():
            user = membership.user
            logging.getLogger("evaluations.services").info(
                "closing for %s%s <%s>", user.last_name, user.first_name, user.email
            )
        return original(meeting=meeting, by=by)

    monkeypatch.setattr(evaluation_services, "meeting_close", leaky_close)
    member = _run_the_scenario(caplog, django_capture_on_commit_callbacks)

    leaked = [value for value in _personal_values(member) if value in caplog.text]
    assert leaked == sorted({member.last_name + member.first_name, member.last_name, member.email})
