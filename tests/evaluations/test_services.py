import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluations import services
from evaluations.exceptions import (
    EvaluationError,
    InvalidMaterials,
    InvalidScores,
    NotAllowed,
    RubricLocked,
    ScoringClosed,
)
from evaluations.models import (
    Criterion,
    CriterionScore,
    Evaluation,
    LeadershipInvitation,
    LeadershipWindow,
    Perspective,
    ReportMeeting,
    Rubric,
)
from evaluations.rubrics import DEFAULT_RUBRICS
from evaluations.signals import leadership_window_closed, report_meeting_closed
from projects.models import Membership
from tests import factories

from .conftest import scores_from


def submit_policy(w, evaluator=None, point=4, **kwargs):
    return services.evaluation_submit(
        evaluator=evaluator or w.executive,
        perspective=Perspective.POLICY,
        presentation=kwargs.pop("presentation", w.presentation),
        scores=kwargs.pop("scores", None) or w.policy(point),
        **kwargs,
    )


def nothing_stored():
    return Evaluation.objects.count() == 0 and CriterionScore.objects.count() == 0


# --- score computation -------------------------------------------------------------------


def test_a_submitted_evaluation_stores_its_weighted_score_and_criterion_rows(w):
    # policy weights: 1.0, 1.0, 1.5, 1.0, 0.5 → (5+4+4.5+2+2.5)/5 = 3.6 → 65.00
    evaluation = submit_policy(w, scores=scores_from(Perspective.POLICY, [5, 4, 3, 2, 5]))

    assert evaluation.score == Decimal("65.00")
    assert evaluation.scores.count() == 5
    assert evaluation.rubric.perspective == Perspective.POLICY


# --- rubrics -----------------------------------------------------------------------------


def test_default_rubrics_have_the_domain_criteria_in_order(db):
    services.rubric_ensure_defaults(fiscal_year=2030)

    policy = Rubric.objects.get(fiscal_year=2030, perspective=Perspective.POLICY)
    labels = list(policy.criteria.order_by("order").values_list("label_ja", flat=True))
    assert labels == [
        "市民目線",
        "課題設定の妥当性",
        "効果の大きさ",
        "実現可能性",
        "他業務への展開可能性",
    ]
    leadership = Rubric.objects.get(fiscal_year=2030, perspective=Perspective.LEADERSHIP)
    assert leadership.criteria.count() == 4
    assert all(len(c.point_labels) == 5 and c.label_en for c in Criterion.objects.all())


def test_ensuring_default_rubrics_twice_changes_nothing(db):
    services.rubric_ensure_defaults(fiscal_year=2030)
    before = Criterion.objects.count()

    services.rubric_ensure_defaults(fiscal_year=2030)

    assert Criterion.objects.count() == before == sum(len(c) for c in DEFAULT_RUBRICS.values())
    assert Rubric.objects.filter(fiscal_year=2030).count() == 3


def test_a_used_rubric_refuses_criterion_edits(w):
    submit_policy(w)
    criterion = Criterion.objects.filter(rubric__perspective=Perspective.POLICY).first()

    with pytest.raises(RubricLocked):
        services.criterion_update(
            criterion=criterion, label_ja="変更", weight=Decimal("3"), point_labels=[]
        )
    with pytest.raises(RubricLocked):
        services.criterion_add(rubric=criterion.rubric, label_ja="追加", weight=Decimal("1"))
    with pytest.raises(RubricLocked):
        services.criterion_delete(criterion=criterion)

    criterion.refresh_from_db()
    assert criterion.weight == Decimal("1.00") and criterion.label_ja == "市民目線"


def test_an_unused_rubric_can_be_edited(w):
    criterion = Criterion.objects.filter(rubric__perspective=Perspective.POLICY).first()

    services.criterion_update(
        criterion=criterion,
        label_ja="市民の視点",
        weight=Decimal("2"),
        point_labels=["1", "2", "3", "4", "5"],
    )

    criterion.refresh_from_db()
    assert (criterion.label_ja, criterion.weight) == ("市民の視点", Decimal("2.00"))


def test_copying_a_used_rubric_to_the_next_year_makes_an_editable_copy(w):
    submit_policy(w)
    source = Rubric.objects.get(fiscal_year=2024, perspective=Perspective.POLICY)

    copy = services.rubric_copy(source=source, fiscal_year=2025)

    assert copy.criteria.count() == source.criteria.count()
    services.criterion_update(
        criterion=copy.criteria.first(), label_ja="新項目", weight=Decimal("2"), point_labels=[]
    )
    with pytest.raises(EvaluationError):
        services.rubric_copy(source=source, fiscal_year=2024)


# --- refusals: nothing changes -----------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 6, -1, "x", 3.5, None, True])
def test_a_score_outside_1_to_5_is_refused(w, bad):
    scores = w.policy(4)
    scores[next(iter(scores))] = bad

    with pytest.raises(InvalidScores, match="1〜5"):
        submit_policy(w, scores=scores)
    assert nothing_stored()


def test_a_missing_criterion_is_refused_and_named(w):
    scores = w.policy(4)
    first = Criterion.objects.get(pk=next(iter(scores)))
    del scores[first.pk]

    with pytest.raises(InvalidScores, match=first.label_ja):
        submit_policy(w, scores=scores)
    assert nothing_stored()


def test_a_criterion_of_another_rubric_is_refused(w):
    scores = w.policy(4)
    scores[w.technical(4).popitem()[0]] = 4

    with pytest.raises(InvalidScores, match="この評価基準にない"):
        submit_policy(w, scores=scores)
    assert nothing_stored()


def test_a_forged_presentation_id_is_refused(w):
    with pytest.raises(EvaluationError, match="発表が見つかりません"):
        submit_policy(w, presentation=999999)
    assert nothing_stored()


def test_a_forged_team_id_is_refused(w):
    with pytest.raises(EvaluationError, match="チームが見つかりません"):
        services.evaluation_submit(
            evaluator=w.members[0],
            perspective=Perspective.LEADERSHIP,
            team=987654,
            scores=w.leadership(),
        )
    assert nothing_stored()


def test_a_scheduled_meeting_refuses_scores(w):
    ReportMeeting.objects.filter(pk=w.meeting.pk).update(status=ReportMeeting.Status.SCHEDULED)

    with pytest.raises(ScoringClosed):
        submit_policy(w)
    assert nothing_stored()


def test_only_executives_give_the_policy_perspective(w):
    with pytest.raises(NotAllowed, match="幹部職員のみ"):
        submit_policy(w, evaluator=w.expert)
    with pytest.raises(NotAllowed, match="幹部職員のみ"):
        submit_policy(w, evaluator=factories.UserFactory())
    assert nothing_stored()


def test_only_experts_give_the_technical_perspective(w):
    with pytest.raises(NotAllowed, match="外部専門家のみ"):
        services.evaluation_submit(
            evaluator=w.executive,
            perspective=Perspective.TECHNICAL,
            presentation=w.presentation,
            scores=w.technical(),
        )
    assert nothing_stored()


def test_an_executive_cannot_score_a_presentation_of_their_own_team(w):
    MembershipFactory = factories.MembershipFactory
    boss = factories.ExecutiveFactory()
    team = factories.TeamFactory(project=w.project, max_size=10)
    MembershipFactory(team=team, user=boss)
    presentation = factories.PresentationFactory(meeting=w.meeting, team=team, order=3)

    with pytest.raises(NotAllowed, match="自分が所属するチーム"):
        submit_policy(w, evaluator=boss, presentation=presentation)
    assert nothing_stored()


def test_an_applied_membership_is_already_a_conflict(w):
    boss = factories.ExecutiveFactory()
    factories.MembershipFactory(team=w.team, user=boss, status=Membership.Status.APPLIED)

    with pytest.raises(NotAllowed):
        submit_policy(w, evaluator=boss)


def test_the_leader_cannot_evaluate_their_own_leadership(w):
    with pytest.raises(NotAllowed, match="自分自身"):
        services.evaluation_submit(
            evaluator=w.leader,
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(),
        )
    assert nothing_stored()


def test_a_member_of_another_team_cannot_evaluate_this_leader(w):
    outsider = w.other_team.memberships.filter(role=Membership.Role.MEMBER).first().user

    with pytest.raises(NotAllowed, match="チームのメンバーと招待された"):
        services.evaluation_submit(
            evaluator=outsider,
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(),
        )
    assert nothing_stored()


def test_a_leadership_evaluation_needs_an_open_window(w):
    LeadershipWindow.objects.filter(pk=w.window.pk).update(status=LeadershipWindow.Status.SCHEDULED)

    with pytest.raises(ScoringClosed):
        services.evaluation_submit(
            evaluator=w.members[0],
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(),
        )
    assert nothing_stored()


def test_a_too_long_comment_is_refused(w):
    with pytest.raises(EvaluationError, match="2000"):
        submit_policy(w, comment="あ" * 2001)
    assert nothing_stored()


# --- resubmission ------------------------------------------------------------------------


def test_submitting_again_edits_the_one_evaluation(w):
    first = submit_policy(w, point=2, comment="最初")

    second = submit_policy(w, point=5, comment="修正")

    assert second.pk == first.pk
    assert Evaluation.objects.count() == 1
    second.refresh_from_db()
    assert second.score == Decimal("100.00") and second.comment == "修正"
    assert set(second.scores.values_list("score", flat=True)) == {5}
    assert CriterionScore.objects.count() == 5


def test_members_and_invited_colleagues_evaluate_the_leader(w):
    colleague = factories.UserFactory(department=w.department)
    services.invitation_add(team=w.team, user=colleague, by=w.organiser)

    for rater in [*w.members, colleague]:
        services.evaluation_submit(
            evaluator=rater,
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(4),
        )

    assert Evaluation.objects.filter(team=w.team, perspective="leadership").count() == 3


# --- locking -----------------------------------------------------------------------------


def test_a_closed_meeting_refuses_new_scores_and_edits(w):
    evaluation = submit_policy(w, point=3)
    services.meeting_close(meeting=w.meeting, by=w.organiser)

    with pytest.raises(ScoringClosed):
        submit_policy(w, point=5)
    with pytest.raises(ScoringClosed):
        submit_policy(w, evaluator=factories.ExecutiveFactory())

    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("50.00")
    assert Evaluation.objects.count() == 1


def test_closing_records_who_and_when_and_is_idempotent(w, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs["meeting_id"])

    report_meeting_closed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_close(meeting=w.meeting, by=w.organiser)
        closed_at = ReportMeeting.objects.get(pk=w.meeting.pk).closed_at
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_close(meeting=w.meeting, by=w.hr)
    finally:
        report_meeting_closed.disconnect(receiver)

    meeting = ReportMeeting.objects.get(pk=w.meeting.pk)
    assert meeting.status == ReportMeeting.Status.CLOSED
    assert meeting.closed_by == w.organiser and meeting.closed_at == closed_at
    assert received == [w.meeting.pk]


def test_a_closed_meeting_never_reopens(w):
    services.meeting_close(meeting=w.meeting, by=w.organiser)

    with pytest.raises(ScoringClosed):
        services.meeting_open(meeting=w.meeting, by=w.organiser)


def test_a_closed_window_refuses_leadership_scores(w):
    services.window_close(window=w.window, by=w.organiser)

    with pytest.raises(ScoringClosed):
        services.evaluation_submit(
            evaluator=w.members[0],
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(),
        )
    assert nothing_stored()


# --- signals after commit ----------------------------------------------------------------


def test_closing_a_meeting_signals_its_teams_people_after_commit(
    w, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    report_meeting_closed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.meeting_close(meeting=w.meeting, by=w.organiser)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        report_meeting_closed.disconnect(receiver)

    expected = set(
        Membership.objects.filter(team__in=[w.team, w.other_team]).values_list("user_id", flat=True)
    )
    assert len(received) == 1
    sender, kwargs = received[0]
    assert sender is ReportMeeting
    assert kwargs["meeting_id"] == w.meeting.pk
    assert set(kwargs["user_ids"]) == expected and len(expected) == 6


def test_closing_a_window_signals_the_leaders_after_commit(w, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    leadership_window_closed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.window_close(window=w.window, by=w.organiser)
    finally:
        leadership_window_closed.disconnect(receiver)

    leaders = {m.user_id for m in Membership.objects.filter(role=Membership.Role.LEADER)}
    assert received == [
        (
            LeadershipWindow,
            {
                "signal": leadership_window_closed,
                "window_id": w.window.pk,
                "user_ids": sorted(leaders),
            },
        )
    ]
    window = LeadershipWindow.objects.get(pk=w.window.pk)
    assert window.closed_by == w.organiser and window.closed_at is not None


# --- invitations -------------------------------------------------------------------------


def test_an_invitation_needs_the_leaders_department(w):
    stranger = factories.UserFactory()

    with pytest.raises(NotAllowed, match="同じ所属"):
        services.invitation_add(team=w.team, user=stranger, by=w.organiser)
    assert not LeadershipInvitation.objects.exists()


def test_the_leader_and_members_cannot_be_invited(w):
    with pytest.raises(NotAllowed, match="リーダー本人"):
        services.invitation_add(team=w.team, user=w.leader, by=w.organiser)
    member = w.members[0]
    member.department = w.department
    member.save()
    with pytest.raises(NotAllowed, match="メンバー"):
        services.invitation_add(team=w.team, user=member, by=w.organiser)
    assert not LeadershipInvitation.objects.exists()


def test_an_external_expert_cannot_be_invited(w):
    with pytest.raises(NotAllowed):
        services.invitation_add(team=w.team, user=w.expert, by=w.organiser)


def test_inviting_twice_keeps_one_invitation(w):
    colleague = factories.UserFactory(department=w.department)

    services.invitation_add(team=w.team, user=colleague, by=w.organiser)
    services.invitation_add(team=w.team, user=colleague, by=w.organiser)

    assert LeadershipInvitation.objects.count() == 1


# --- meetings, presentations, materials, windows -----------------------------------------


def test_scheduling_a_meeting_prepares_the_years_rubrics(db, organiser):
    project = factories.ProjectFactory(fiscal_year=2026, status="reporting")

    meeting = services.meeting_schedule(
        project=project, title="報告会", held_on=datetime.date(2027, 2, 1), by=organiser
    )

    assert meeting.status == ReportMeeting.Status.SCHEDULED
    assert Rubric.objects.filter(fiscal_year=2026).count() == 3


def test_presentations_are_added_in_order_and_can_be_reordered(db, organiser):
    project = factories.ProjectFactory(status="reporting")
    meeting = services.meeting_schedule(
        project=project, title="報告会", held_on=datetime.date(2025, 2, 1), by=organiser
    )
    teams = [factories.team_with(project=project) for _ in range(3)]
    presentations = [services.presentation_add(meeting=meeting, team=t) for t in teams]
    assert [p.order for p in presentations] == [1, 2, 3]

    services.presentation_reorder(
        meeting=meeting,
        presentation_ids=[presentations[2].pk, presentations[0].pk, presentations[1].pk],
    )

    ordered = list(meeting.presentations.order_by("order").values_list("pk", flat=True))
    assert ordered == [presentations[2].pk, presentations[0].pk, presentations[1].pk]
    with pytest.raises(EvaluationError):
        services.presentation_reorder(meeting=meeting, presentation_ids=[presentations[0].pk])


def test_a_team_of_another_project_cannot_present(w):
    stranger = factories.team_with()

    with pytest.raises(EvaluationError):
        services.presentation_add(meeting=w.meeting, team=stranger)


def pptx_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


def test_pdf_and_pptx_materials_are_accepted(w):
    team = factories.team_with(project=w.project)
    pdf = SimpleUploadedFile("発表.pdf", b"%PDF-1.7\n...", content_type="application/pdf")

    presentation = services.presentation_add(meeting=w.meeting, team=team, materials=pdf)
    services.presentation_attach_materials(
        presentation=presentation, materials=SimpleUploadedFile("slides.pptx", pptx_bytes())
    )

    presentation.refresh_from_db()
    assert presentation.materials.name.endswith(".pptx")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ..."),
        ("fake.pdf", b"<html>not a pdf</html>"),
        ("fake.pptx", b"%PDF-1.4 renamed"),
        ("document.pptx", b"PK\x03\x04 broken zip"),
    ],
)
def test_materials_of_the_wrong_type_are_refused(w, name, content):
    team = factories.team_with(project=w.project)

    with pytest.raises(InvalidMaterials):
        services.presentation_add(
            meeting=w.meeting, team=team, materials=SimpleUploadedFile(name, content)
        )
    assert not w.meeting.presentations.filter(team=team).exists()


def test_a_docx_zip_renamed_to_pptx_is_refused(w):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InvalidMaterials):
        services.materials_check(upload=SimpleUploadedFile("a.pptx", buffer.getvalue()))


def test_materials_larger_than_the_limit_are_refused(w, settings):
    settings.MATERIALS_MAX_BYTES = 10

    with pytest.raises(InvalidMaterials, match="MB"):
        services.materials_check(upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7 " + b"x" * 20))


def test_opening_a_meeting_without_presentations_is_refused(db, organiser):
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.SCHEDULED)

    with pytest.raises(EvaluationError):
        services.meeting_open(meeting=meeting, by=organiser)


def test_a_window_deadline_in_the_past_is_refused(w):
    project = factories.ProjectFactory(fiscal_year=2023, status="reporting")

    with pytest.raises(EvaluationError):
        services.window_open(
            project=project,
            closes_on=datetime.date(2024, 3, 1),
            by=w.organiser,
            today=datetime.date(2024, 3, 2),
        )
    window = services.window_open(
        project=project,
        closes_on=datetime.date(2024, 3, 20),
        by=w.organiser,
        today=datetime.date(2024, 3, 2),
    )
    assert window.status == LeadershipWindow.Status.OPEN


@pytest.mark.parametrize("status", ["draft", "recruiting"])
def test_a_leadership_window_cannot_open_before_the_project_is_under_way(w, status):
    from evaluations.models import LeadershipWindow as Window

    project = factories.ProjectFactory(fiscal_year=2023, status=status)

    with pytest.raises(EvaluationError, match="実施が始まってから"):
        services.window_open(
            project=project,
            closes_on=datetime.date(2024, 3, 20),
            by=w.organiser,
            today=datetime.date(2024, 3, 2),
        )
    assert not Window.objects.filter(project=project).exists()


def test_an_invitation_cannot_be_withdrawn_after_the_window_closed(w):
    colleague = factories.UserFactory(department=w.department)
    invitation = services.invitation_add(team=w.team, user=colleague, by=w.organiser)
    services.window_close(window=w.window, by=w.organiser)

    with pytest.raises(ScoringClosed, match="締切済み"):
        services.invitation_remove(invitation=invitation, by=factories.UserFactory())

    assert LeadershipInvitation.objects.filter(pk=invitation.pk).exists()
