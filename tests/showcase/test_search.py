"""The library's search: Japanese substrings, full-width letters, filters; PostgreSQL
(pg_trgm) and the SQLite fallback path."""

import pytest
from django.db import connection

from showcase import selectors, services
from showcase.text import normalise, search_terms
from tests import factories
from tests.showcase.matrix import closed_project_with_teams

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(organiser):
    _project, teams = closed_project_with_teams(
        themes=("保育所入所選考の効率化", "工事書類の電子化", "窓口申請のオンライン化")
    )
    tag = services.theme_tag_add(name="子育て", by=organiser)
    cases = {
        team.theme: services.case_publish(
            team=team, by=organiser, tags=[tag] if "保育所" in team.theme else []
        )
        for team in teams
    }
    _project, (later,) = closed_project_with_teams(fiscal_year=2024, themes=("保育所の入所案内",))
    cases[later.theme] = services.case_publish(team=later, by=organiser)
    return cases, tag


def titles(**filters):
    return sorted(case.title for case in selectors.library_search(**filters))


def test_a_two_character_word_finds_the_longer_title(library):
    assert "保育所入所選考の効率化" in titles(q="保育")


def test_hoikusho_finds_hoikusho_nyusho_senko(library):
    assert titles(q="保育所") == ["保育所の入所案内", "保育所入所選考の効率化"]


def test_the_worksheet_text_is_searched_too(library):
    assert titles(q="表計算") == sorted(library[0])


def test_every_word_must_match(library):
    assert titles(q="保育所　選考") == ["保育所入所選考の効率化"]


def test_full_width_latin_finds_half_width(library):
    assert len(titles(q="ｂｐｒ")) == 4  # the project's title 「… BPR …」 is in every case


def test_a_word_that_is_nowhere_finds_nothing(library):
    assert titles(q="除雪") == []


def test_the_year_filter(library):
    assert titles(q="保育所", fiscal_year=2024) == ["保育所の入所案内"]


def test_the_tag_filter(library):
    _cases, tag = library
    assert titles(tag=tag) == ["保育所入所選考の効率化"]


def test_the_department_filter(library):
    cases, _tag = library
    case = cases["工事書類の電子化"]
    assert case.department is not None
    assert titles(department=case.department) == ["工事書類の電子化"]


def test_an_unpublished_case_is_not_found(library, organiser):
    cases, _tag = library
    services.case_unpublish(case=cases["保育所の入所案内"], by=organiser)

    assert titles(q="保育所") == ["保育所入所選考の効率化"]


def test_like_wildcards_in_a_query_are_plain_characters(library):
    assert titles(q="%") == []
    assert titles(q="_") == []


def test_search_terms_drop_nul_and_cap_their_number():
    assert search_terms("a\x00b " * 10) == ["ab"] * 5


def test_normalise_folds_width_and_case():
    assert normalise("ＢＰＲ ﾎｲｸ") == "bpr ホイク"


@pytest.mark.postgres
def test_on_postgresql_the_hits_are_ranked_by_similarity_to_the_title(library):
    assert connection.vendor == "postgresql"
    ranked = [case.title for case in selectors.library_search(q="保育所入所選考")]
    assert ranked == ["保育所入所選考の効率化"]
    ranked = [case.title for case in selectors.library_search(q="保育所の入所")]
    assert ranked[0] == "保育所の入所案内"


@pytest.mark.postgres
def test_on_postgresql_the_search_text_has_a_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'showcase_case_search_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition


def test_the_sqlite_path_finds_hoikusho_nyusho_senko_without_ranking(library, monkeypatch):
    """What the demo (SQLite) runs: the same substring test, no trigram ranking."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert titles(q="保育所") == ["保育所の入所案内", "保育所入所選考の効率化"]
    ordered = [c.fiscal_year for c in selectors.library_search(q="保育所")]
    assert ordered == [2024, 2023]


def test_staff_find_the_case_from_the_library_page(client, library):
    client.force_login(factories.UserFactory())

    response = client.get("/showcase/", {"q": "保育所"})

    assert response.status_code == 200
    assert "保育所入所選考の効率化" in response.content.decode()
    assert "工事書類の電子化" not in response.content.decode()
