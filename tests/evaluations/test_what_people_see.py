"""What a rater reads: stored values after a refusal, whether any meeting is open, and
the rubric in English."""

import re

from django.urls import reverse
from django.utils import translation

from evaluations import services
from evaluations.models import Criterion, Perspective, Rubric

from .test_views import post_scores

CHECKED = re.compile(r'id="c\d+-(\d)"[^>]*\bchecked\b')


def test_a_refused_late_score_shows_the_stored_values_not_the_refused_ones(client, w):
    client.force_login(w.executive)
    post_scores(client, w.presentation, w.policy(3))
    services.meeting_close(meeting=w.meeting, by=w.organiser)

    response = post_scores(client, w.presentation, w.policy(5))

    html = response.content.decode()
    assert "受け付けていません" in html
    assert set(CHECKED.findall(html)) == {"3"}


def test_a_refused_late_leadership_answer_shows_the_stored_values(client, w):
    member = w.members[0]
    client.force_login(member)
    url = reverse("evaluations:leadership_evaluate", args=[w.team.pk])
    client.post(url, {f"score_{pk}": p for pk, p in w.leadership(2).items()})
    services.window_close(window=w.window, by=w.organiser)

    response = client.post(url, {f"score_{pk}": p for pk, p in w.leadership(5).items()})

    assert set(CHECKED.findall(response.content.decode())) == {"2"}


def test_when_every_meeting_is_closed_the_list_says_none_is_open(client, w):
    services.meeting_close(meeting=w.meeting, by=w.organiser)
    client.force_login(w.executive)

    html = client.get(reverse("evaluations:meeting_list")).content.decode()

    assert "評価を受け付けている報告会はありません" in html
    assert "評価受付中の報告会を選び" not in html


def test_with_an_open_meeting_the_list_invites_to_score(client, w):
    client.force_login(w.executive)

    html = client.get(reverse("evaluations:meeting_list")).content.decode()

    assert "評価受付中の報告会を選び" in html


def test_the_default_rubric_reads_in_english_on_the_english_scoring_form(client, w):
    client.force_login(w.executive)
    client.cookies["django_language"] = "en"

    html = client.get(
        reverse("evaluations:presentation_evaluate", args=[w.presentation.pk])
    ).content.decode()

    assert "Very good" not in html  # not a label of ours
    assert "Excellent" in html and "Insufficient" in html
    assert "非常に優れている" not in html
    assert "from their value to residents and users" in html


def test_the_organiser_saves_english_texts_for_a_criterion(client, w):
    rubric = Rubric.objects.create(fiscal_year=2030, perspective=Perspective.POLICY)
    criterion = services.criterion_add(rubric=rubric, label_ja="市民目線", weight=1)
    client.force_login(w.organiser)

    client.post(
        reverse("evaluations:organiser_criterion_edit", args=[criterion.pk]),
        {
            "label_ja": "市民目線",
            "weight": "1",
            **{f"point_{i}": f"{i}点" for i in range(1, 6)},
            "description_en": "Seen from residents",
            "points_en": "Poor / Fair / Good / Very good / Excellent",
        },
    )

    criterion = Criterion.objects.get(pk=criterion.pk)
    assert criterion.description_en == "Seen from residents"
    assert criterion.point_labels_en == ["Poor", "Fair", "Good", "Very good", "Excellent"]
    with translation.override("en"):
        assert criterion.points[3] == (4, "Very good")
