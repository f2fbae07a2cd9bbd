"""Evaluations and certifications are personnel data: the logs carry ids only."""

import logging

from certification.services import certifications_recompute
from evaluations import services as evaluation_services
from evaluations.models import Perspective, ReportMeeting
from tests import factories


def test_scoring_closing_and_certifying_log_no_names_comments_or_scores(
    db, caplog, django_capture_on_commit_callbacks
):
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.OPEN)
    presentation = factories.PresentationFactory(meeting=meeting)
    member = presentation.team.memberships.first().user
    organiser = factories.UserFactory(roles=["staff", "organiser"], last_name="運営")
    secrets = [member.last_name + " " + member.first_name, "ここだけの講評コメント", "87.5"]
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        for perspective, raters in (
            (Perspective.POLICY, factories.ExecutiveFactory.create_batch(2)),
            (Perspective.TECHNICAL, [factories.ExpertFactory()]),
        ):
            rubric = factories.RubricFactory(
                fiscal_year=meeting.project.fiscal_year, perspective=perspective
            )
            for rater in raters:
                evaluation_services.evaluation_submit(
                    evaluator=rater,
                    perspective=perspective,
                    presentation=presentation,
                    scores={c.pk: 5 for c in rubric.criteria.all()},
                    comment="ここだけの講評コメント",
                )
        evaluation_services.meeting_close(meeting=meeting, by=organiser)
        certifications_recompute(notify=True)
        # 認定決裁: an HR admin approves the proposal, which publishes and mails.
        from certification.models import DecisionBatch
        from tests.certification.helpers import approve

        approve(DecisionBatch.objects.get())

    assert member.certifications.exists()
    assert "recompute" in caplog.text  # the logs were captured, with ids and counts
    for secret in secrets:
        assert secret not in caplog.text
    assert member.email not in caplog.text
