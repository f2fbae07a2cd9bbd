"""What each person sees on the showcase pages, and the dashboard's 横展開の効果."""

import pytest
from django.urls import reverse

from evaluations.models import Presentation
from projects.models import Membership
from showcase import services
from showcase.models import AdoptionInterest
from tests import factories

pytestmark = pytest.mark.django_db


def page(client, user, name, **kwargs):
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_shows_the_worksheet_effects_and_slides(client, case):
    html = page(client, factories.UserFactory(), "showcase:case_detail", pk=case.pk)

    assert "保育所入所選考の効率化に時間がかかる" in html
    assert "表計算で自動化する" in html
    assert "年間作業時間" in html
    assert reverse("showcase:case_slides", kwargs={"pk": case.pk}) in html


def test_the_case_page_never_shows_scores_or_comments(client, case):
    presentation = Presentation.objects.get(team=case.team)
    factories.EvaluationFactory(
        presentation=presentation, evaluator=factories.ExecutiveFactory(), comment="秘密の講評"
    )

    html = page(client, factories.UserFactory(), "showcase:case_detail", pk=case.pk)

    assert "秘密の講評" not in html
    assert "評価" not in html.split('id="worksheet-heading"', 1)[1].split("<footer", 1)[0]


def test_a_member_who_opted_out_is_counted_not_named(client, case):
    member = Membership.objects.filter(team=case.team, role="member").first().user
    services.name_consent_set(team=case.team, user=member, show_name=False)

    html = page(client, factories.UserFactory(), "showcase:case_detail", pk=case.pk)

    assert member.full_name not in html
    assert "ほか1名（名前は非公開）" in html


def test_every_member_is_named_by_default(client, case):
    html = page(client, factories.UserFactory(), "showcase:case_detail", pk=case.pk)

    for membership in Membership.objects.filter(team=case.team):
        assert membership.user.full_name in html
    assert "名前は非公開" not in html


def test_the_team_and_the_organiser_see_who_asked_other_staff_only_how_many(
    client, case, organiser
):
    asker = factories.UserFactory(last_name="登録", first_name="太郎")
    services.adoption_interest_register(case=case, by=asker, note="学童保育でも")
    member = Membership.objects.filter(team=case.team).first().user

    assert "登録 太郎" in page(client, member, "showcase:case_detail", pk=case.pk)
    assert "登録 太郎" in page(client, organiser, "showcase:case_detail", pk=case.pk)
    other = page(client, factories.UserFactory(), "showcase:case_detail", pk=case.pk)
    assert "登録 太郎" not in other
    assert "学童保育でも" not in other
    assert "1件の登録があります。" in other


def test_registering_interest_from_the_page(client, case):
    person = factories.UserFactory()
    client.force_login(person)

    response = client.post(
        reverse("showcase:case_interest", kwargs={"pk": case.pk}), {"note": "うちでも"}, follow=True
    )

    assert "登録しました" in response.content.decode()
    assert AdoptionInterest.objects.get().user == person


def test_an_unpublished_case_is_404_for_staff_and_a_preview_for_the_organiser(
    client, case, organiser
):
    services.case_unpublish(case=case, by=organiser)
    client.force_login(factories.UserFactory())
    assert client.get(reverse("showcase:case_detail", kwargs={"pk": case.pk})).status_code == 404
    assert client.get(reverse("showcase:case_slides", kwargs={"pk": case.pk})).status_code == 404

    assert "非公開です" in page(client, organiser, "showcase:case_detail", pk=case.pk)


def test_the_slides_come_as_an_attachment_never_rendered(client, case):
    client.force_login(factories.UserFactory())

    response = client.get(reverse("showcase:case_slides", kwargs={"pk": case.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_year_with_nothing_published_is_404(client, case):
    client.force_login(factories.UserFactory())

    assert (
        client.get(reverse("showcase:year_showcase", kwargs={"fiscal_year": 2022})).status_code
        == 404
    )


def test_the_year_showcase_lists_the_years_cases(client, case):
    html = page(client, factories.UserFactory(), "showcase:year_showcase", fiscal_year=2023)

    assert "保育所入所選考の効率化" in html
    assert "令和5年度" in html


def test_my_showcase_lists_my_teams_with_my_choice(client, case):
    member = Membership.objects.filter(team=case.team, role="member").first().user
    services.name_consent_set(team=case.team, user=member, show_name=False)

    html = page(client, member, "showcase:my_showcase")

    assert case.team.name in html
    assert 'id="show-name-' in html
    assert " checked" not in html.split(case.team.name, 1)[1].split("</tr>")[0]


def test_the_consent_form_hides_and_shows_the_name(client, case):
    member = Membership.objects.filter(team=case.team, role="member").first().user
    client.force_login(member)
    url = reverse("showcase:name_consent", kwargs={"team_pk": case.team.pk})

    client.post(url, {})
    assert "ほか1名" in page(client, factories.UserFactory(), "showcase:case_detail", pk=case.pk)
    client.force_login(member)
    client.post(url, {"show_name": "on"})
    assert "ほか" not in page(client, factories.UserFactory(), "showcase:case_detail", pk=case.pk)


def test_the_dashboard_counts_adopted_cases_effects_once_per_adoption(client, case, organiser):
    for _ in range(2):
        interest = services.adoption_interest_register(case=case, by=factories.UserFactory())
        services.adoption_status_set(interest=interest, status="adopted", by=organiser)
    services.adoption_interest_register(case=case, by=factories.UserFactory())  # not adopted

    client.force_login(organiser)
    response = client.get(reverse("certification:dashboard"))

    rows = response.context["adoption_effects"]
    assert rows == [{"unit": "時間", "total": 1800, "adoptions": 2, "cases": 1}]
    assert "横展開の効果" in response.content.decode()


def test_the_dashboard_says_when_nothing_is_adopted_yet(client, organiser):
    html = page(client, organiser, "certification:dashboard")

    assert "導入済みの横展開はまだありません。" in html


def test_the_library_in_english(client, case):
    client.force_login(factories.UserFactory())
    client.cookies["django_language"] = "en"

    html = client.get(reverse("showcase:library")).content.decode()

    assert "Case library" in html
    assert "FY2023" in html


def test_the_organiser_page_offers_publishing_only_after_the_meeting_closed(
    client, organiser, case
):
    open_meeting = factories.ReportMeetingFactory()
    factories.team_with(project=open_meeting.project, name="まだのチーム")

    html = page(client, organiser, "showcase:organiser_showcase")

    assert "報告会の締切後に公開できます。" in html
    assert "非公開にする" in html


def test_what_people_typed_comes_back_escaped(client, case, organiser):
    from showcase.models import ShowcaseCase, ThemeTag

    payload = "<script>alert(1)</script>"
    tag = ThemeTag.objects.create(name="T<script>", name_en="")
    case.tags.add(tag)
    ShowcaseCase.objects.filter(pk=case.pk).update(title=f"C{payload}")
    services.adoption_interest_register(case=case, by=factories.UserFactory(), note=payload)
    client.force_login(organiser)
    for url in (
        reverse("showcase:library"),
        reverse("showcase:year_showcase", kwargs={"fiscal_year": 2023}),
        reverse("showcase:case_detail", kwargs={"pk": case.pk}),
        reverse("showcase:organiser_showcase"),
        reverse("showcase:organiser_adoption_list"),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "T<script>" not in html, url
