import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import services
from evaluations.models import Evaluation, LeadershipWindow, Perspective, ReportMeeting
from projects.models import Membership, Project
from tests import factories

from .conftest import all_scores, scores_from


def post_scores(client, presentation, scores, comment="", perspective=None):
    data = {f"score_{cid}": point for cid, point in scores.items()}
    data["comment"] = comment
    if perspective:
        data["perspective"] = perspective
    return client.post(reverse("evaluations:presentation_evaluate", args=[presentation.pk]), data)


# --- scoring pages ------------------------------------------------------------------------


def test_an_executive_scores_a_presentation_from_the_tablet_form(client, w):
    client.force_login(w.executive)
    page = client.get(reverse("evaluations:presentation_evaluate", args=[w.presentation.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "市民目線" in html and "score-options" in html and "btn-check" in html

    response = post_scores(client, w.presentation, w.policy(4), comment="わかりやすい")

    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.evaluator, evaluation.comment) == (w.executive, "わかりやすい")
    meeting_page = client.get(reverse("evaluations:meeting_detail", args=[w.meeting.pk]))
    assert "評価済" in meeting_page.content.decode()


def test_a_refused_submission_shows_the_reason_and_changes_nothing(client, w):
    client.force_login(w.executive)
    scores = w.policy(4)
    scores.pop(next(iter(scores)))

    response = post_scores(client, w.presentation, scores)

    assert response.status_code == 200
    assert "未評価の項目があります" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_forged_criterion_in_the_form_is_refused(client, w):
    client.force_login(w.executive)
    scores = {**w.policy(4), **w.technical(4)}

    response = post_scores(client, w.presentation, scores)

    assert "この評価基準にない評価項目" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_after_closing_the_form_is_read_only_and_posting_is_refused(client, w):
    client.force_login(w.executive)
    post_scores(client, w.presentation, w.policy(3))
    services.meeting_close(meeting=w.meeting, by=w.organiser)

    page = client.get(reverse("evaluations:presentation_evaluate", args=[w.presentation.pk]))
    assert "締め切られました" in page.content.decode()
    assert "保存する" not in page.content.decode()

    response = post_scores(client, w.presentation, w.policy(5))
    assert "受け付けていません" in response.content.decode()
    assert Evaluation.objects.get().score == 50


def test_a_rater_never_sees_another_raters_scores_or_comment_while_open(client, w):
    other = factories.ExecutiveFactory()
    services.evaluation_submit(
        evaluator=other,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=w.policy(2),
        comment="他の委員の秘密のコメント",
    )
    client.force_login(w.executive)

    html = client.get(
        reverse("evaluations:presentation_evaluate", args=[w.presentation.pk])
    ).content.decode()

    assert "他の委員の秘密のコメント" not in html
    assert "checked" not in html


def test_an_expert_gets_the_technical_form(client, w):
    client.force_login(w.expert)

    html = client.get(
        reverse("evaluations:presentation_evaluate", args=[w.presentation.pk])
    ).content.decode()

    assert "デジタル技術の活用" in html and "市民目線" not in html


def test_a_member_evaluates_the_leader_on_the_leadership_form(client, w):
    client.force_login(w.members[0])
    assert w.team.name in client.get(reverse("evaluations:leadership_list")).content.decode()
    url = reverse("evaluations:leadership_evaluate", args=[w.team.pk])
    data = {f"score_{cid}": 5 for cid in w.leadership()}

    response = client.post(url, data)

    assert response.status_code == 302
    assert Evaluation.objects.get().team == w.team


def test_the_leader_cannot_open_their_own_leadership_form(client, w):
    client.force_login(w.leader)

    response = client.get(reverse("evaluations:leadership_evaluate", args=[w.team.pk]))

    assert response.status_code == 404


# --- privacy of results -------------------------------------------------------------------


def close_with_scores(w):
    services.evaluation_submit(
        evaluator=w.executive,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=scores_from(Perspective.POLICY, [5, 4, 4, 3, 5]),
        comment="幹部Aの個別コメント",
    )
    services.evaluation_submit(
        evaluator=factories.ExecutiveFactory(last_name="秘密", first_name="評価者"),
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=scores_from(Perspective.POLICY, [2, 2, 2, 2, 2]),
        comment="幹部Bの個別コメント",
    )
    services.evaluation_submit(
        evaluator=w.expert,
        perspective=Perspective.TECHNICAL,
        presentation=w.presentation,
        scores=w.technical(4),
        comment="専門家の個別コメント",
    )
    services.meeting_close(meeting=w.meeting, by=w.organiser)


def test_team_results_are_hidden_until_the_meeting_closes(client, w):
    client.force_login(w.members[0])

    html = client.get(reverse("evaluations:team_results", args=[w.team.pk])).content.decode()

    assert "まだ締め切られていません" in html


def test_the_evaluated_see_aggregates_only_never_who_gave_what(client, w):
    close_with_scores(w)
    client.force_login(w.members[0])

    html = client.get(reverse("evaluations:team_results", args=[w.team.pk])).content.decode()

    assert "評価者 2 人" in html and "政策的観点" in html
    for secret in (
        "幹部Aの個別コメント",
        "幹部Bの個別コメント",
        "専門家の個別コメント",
        "秘密 評価者",
        w.executive.full_name,
        "25.00",
        "77.50",
    ):
        assert secret not in html
    assert "radar-data" in html and "<script>" not in html


def test_the_evaluated_cannot_reach_the_organiser_results_or_exports(client, w):
    close_with_scores(w)
    client.force_login(w.leader)
    for name in (
        "organiser_meeting_results",
        "organiser_meeting_export_csv",
        "organiser_meeting_export_xlsx",
    ):
        response = client.get(reverse(f"evaluations:{name}", args=[w.meeting.pk]))
        assert response.status_code == 403
        assert "幹部Aの個別コメント" not in response.content.decode(errors="ignore")


def test_a_stranger_cannot_see_another_teams_results(client, w):
    close_with_scores(w)
    client.force_login(factories.UserFactory())

    response = client.get(reverse("evaluations:team_results", args=[w.team.pk]))

    assert response.status_code == 404


def leadership_answers(w, count):
    raters = list(w.members)
    while len(raters) < count:
        colleague = factories.UserFactory(department=w.department)
        services.invitation_add(team=w.team, user=colleague, by=w.organiser)
        raters.append(colleague)
    for rater in raters[:count]:
        services.evaluation_submit(
            evaluator=rater,
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(4),
            comment=f"{rater.pk}のリーダー評価コメント",
        )


def test_the_leader_sees_the_leadership_aggregate_once_enough_raters_answered(client, w):
    leadership_answers(w, 3)
    services.window_close(window=w.window, by=w.organiser)
    client.force_login(w.leader)

    html = client.get(reverse("evaluations:team_results", args=[w.team.pk])).content.decode()

    assert "方向付け" in html and "評価者 3 人" in html
    assert "リーダー評価コメント" not in html


def test_below_the_anonymity_threshold_the_leader_sees_no_leadership_aggregate(client, w, settings):
    settings.LEADERSHIP_ANONYMITY_THRESHOLD = 3
    leadership_answers(w, 2)
    services.window_close(window=w.window, by=w.organiser)
    client.force_login(w.leader)

    html = client.get(reverse("evaluations:team_results", args=[w.team.pk])).content.decode()

    assert "匿名性を守るため" in html and "方向付け" not in html


def test_the_leadership_aggregate_waits_for_the_window_to_close(client, w):
    leadership_answers(w, 3)
    client.force_login(w.leader)

    html = client.get(reverse("evaluations:team_results", args=[w.team.pk])).content.decode()

    assert "受付期間中" in html and "方向付け" not in html


def test_members_do_not_see_their_leaders_leadership_aggregate(client, w):
    leadership_answers(w, 3)
    services.window_close(window=w.window, by=w.organiser)
    client.force_login(w.members[0])

    html = client.get(reverse("evaluations:team_results", args=[w.team.pk])).content.decode()

    assert "方向付け" not in html


# --- organiser pages and exports ----------------------------------------------------------


def test_the_organiser_sees_individual_scores_and_comments(client, w):
    close_with_scores(w)
    client.force_login(w.organiser)

    html = client.get(
        reverse("evaluations:organiser_meeting_results", args=[w.meeting.pk])
    ).content.decode()

    assert "幹部Aの個別コメント" in html and "秘密 評価者" in html
    assert "評価のばらつき大" in html


def test_the_csv_export_has_a_bom_and_one_row_per_evaluation(client, w):
    close_with_scores(w)
    client.force_login(w.hr)

    response = client.get(reverse("evaluations:organiser_meeting_export_csv", args=[w.meeting.pk]))

    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["発表順", "チーム", "発表タイトル", "観点", "評価者", "所属・会社"]
    assert "政策的観点：市民目線" in rows[0] and "技術的観点：BPR手法の理解" in rows[0]
    assert rows[0][-3:] == ["得点（0〜100）", "コメント", "更新日時"]
    assert len(rows) == 4
    assert {r[-2] for r in rows[1:]} == {
        "幹部Aの個別コメント",
        "幹部Bの個別コメント",
        "専門家の個別コメント",
    }


def test_the_xlsx_export_has_a_summary_and_the_individual_evaluations(client, w):
    close_with_scores(w)
    client.force_login(w.organiser)

    response = client.get(reverse("evaluations:organiser_meeting_export_xlsx", args=[w.meeting.pk]))

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["集計", "個別評価"]
    summary = list(workbook["集計"].values)
    assert summary[0] == (
        "発表順",
        "チーム",
        "観点",
        "評価者数",
        "平均点",
        "標準偏差",
        "評価のばらつき",
    )
    assert summary[1][:5] == (1, w.team.name, "政策的観点", 2, 51.25)
    assert workbook["個別評価"].max_row == 4


def test_the_organiser_schedules_adds_opens_and_closes_a_meeting(client, db, organiser):
    project = factories.ProjectFactory(status=Project.Status.REPORTING)
    team = factories.team_with(project=project, members=1)
    client.force_login(organiser)

    response = client.post(
        reverse("evaluations:organiser_meeting_create"),
        {
            "project": project.pk,
            "title": "令和6年度 報告会",
            "held_on": "2025-02-10",
            "place": "大会議室",
        },
    )
    meeting = ReportMeeting.objects.get()
    assert response.url == reverse("evaluations:organiser_meeting_detail", args=[meeting.pk])
    client.post(
        reverse("evaluations:organiser_presentation_add", args=[meeting.pk]),
        {"team": team.pk, "title": ""},
    )
    client.post(reverse("evaluations:organiser_meeting_open", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == ReportMeeting.Status.OPEN and meeting.presentations.count() == 1

    client.post(reverse("evaluations:organiser_meeting_close", args=[meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.status == ReportMeeting.Status.CLOSED and meeting.closed_by == organiser


def test_the_organiser_opens_and_closes_a_window_and_invites_a_colleague(client, w):
    project = factories.ProjectFactory(fiscal_year=2024, status=Project.Status.REPORTING)
    leader = factories.UserFactory(department=w.department)
    team = factories.team_with(project=project, leader=leader, members=1)
    colleague = factories.UserFactory(department=w.department)
    client.force_login(w.organiser)

    client.post(
        reverse("evaluations:organiser_window_open", args=[project.pk]), {"closes_on": "2099-03-01"}
    )
    page = client.get(reverse("evaluations:organiser_window_detail", args=[project.pk]))
    assert colleague.full_name in page.content.decode()
    client.post(
        reverse("evaluations:organiser_invitation_add", args=[team.pk]),
        {f"t{team.pk}-user": colleague.pk},
    )
    client.post(reverse("evaluations:organiser_window_close", args=[project.pk]))

    window = LeadershipWindow.objects.get(project=project)
    assert window.status == LeadershipWindow.Status.CLOSED
    assert team.invitations.get().user == colleague


# --- constant queries ---------------------------------------------------------------------


def build_closed_meeting(*, year, presentations, raters):
    """A closed meeting of `presentations` teams scored by `raters` raters (one in five
    an expert), with a closed leadership window answered by the members."""
    project = factories.ProjectFactory(fiscal_year=year, status=Project.Status.REPORTING)
    services.rubric_ensure_defaults(fiscal_year=year)
    meeting = factories.ReportMeetingFactory(project=project, status=ReportMeeting.Status.OPEN)
    window = factories.LeadershipWindowFactory(project=project, status=LeadershipWindow.Status.OPEN)
    items = [
        factories.PresentationFactory(meeting=meeting, order=i + 1) for i in range(presentations)
    ]
    people = [
        factories.ExpertFactory() if i % 5 == 4 else factories.ExecutiveFactory()
        for i in range(raters)
    ]
    for item in items:
        for person in people:
            perspective = (
                Perspective.TECHNICAL
                if person.has_role("external_expert")
                else (Perspective.POLICY)
            )
            services.evaluation_submit(
                evaluator=person,
                perspective=perspective,
                presentation=item,
                scores=all_scores(perspective, 3 + (person.pk + item.pk) % 3, year=year),
                comment="コメント",
            )
        for m in item.team.memberships.filter(role=Membership.Role.MEMBER):
            services.evaluation_submit(
                evaluator=m.user,
                perspective=Perspective.LEADERSHIP,
                team=item.team,
                scores=all_scores(Perspective.LEADERSHIP, 4, year=year),
            )
    organiser = factories.UserFactory(roles=["staff", "organiser"])
    services.meeting_close(meeting=meeting, by=organiser)
    services.window_close(window=window, by=organiser)
    return meeting, items, people, organiser


def count_queries(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("page", "who"),
    [
        ("evaluations:meeting_detail", "rater"),
        ("evaluations:meeting_list", "rater"),
        ("evaluations:team_results", "leader"),
        ("evaluations:organiser_meeting_results", "organiser"),
        ("evaluations:organiser_meeting_board", "organiser"),
        ("evaluations:leadership_list", "member"),
    ],
)
def test_pages_run_a_constant_number_of_queries(
    client, db, page, who, django_assert_max_num_queries
):
    counts = []
    for year, size in ((2022, (2, 2)), (2023, (10, 15))):
        meeting, items, people, organiser = build_closed_meeting(
            year=year, presentations=size[0], raters=size[1]
        )
        team = items[0].team
        user = {
            "rater": people[0],
            "organiser": organiser,
            "leader": team.memberships.get(role=Membership.Role.LEADER).user,
            "member": team.memberships.filter(role=Membership.Role.MEMBER).first().user,
        }[who]
        kwargs = {
            "evaluations:meeting_detail": [meeting.pk],
            "evaluations:meeting_list": [],
            "evaluations:team_results": [team.pk],
            "evaluations:organiser_meeting_results": [meeting.pk],
            "evaluations:organiser_meeting_board": [meeting.pk],
            "evaluations:leadership_list": [],
        }[page]
        counts.append(count_queries(client, user, reverse(page, args=kwargs)))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(20):
        client.get(reverse(page, args=kwargs))
