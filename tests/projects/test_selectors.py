from decimal import Decimal

import pytest

from projects import selectors
from projects.models import Project, Team
from tests import factories

pytestmark = pytest.mark.django_db


def test_staff_see_every_project_but_drafts(staff):
    factories.ProjectFactory(status=Project.Status.DRAFT)
    shown = factories.ProjectFactory(status=Project.Status.RECRUITING)
    assert list(selectors.projects_visible_to(staff)) == [shown]


def test_organisers_and_hr_see_drafts_too(organiser, hr_admin):
    draft = factories.ProjectFactory(status=Project.Status.DRAFT)
    assert list(selectors.projects_visible_to(organiser)) == [draft]
    assert list(selectors.projects_visible_to(hr_admin)) == [draft]


def test_external_experts_see_no_project(expert):
    factories.ProjectFactory()
    assert not selectors.projects_visible_to(expert).exists()


def test_the_list_counts_live_teams_and_members(staff):
    project = factories.ProjectFactory()
    factories.team_with(project=project, members=2)
    factories.TeamFactory(project=project, status=Team.Status.REJECTED)
    row = selectors.projects_visible_to(staff).get()
    assert row.team_count == 1
    assert row.member_count == 3


def test_a_keyword_matches_titles_and_team_themes_once(staff):
    project = factories.ProjectFactory(title="令和6年度 BPRプロジェクト")
    factories.TeamFactory(project=project, theme="窓口の電子化")
    factories.TeamFactory(project=project, theme="申請の電子化")
    factories.ProjectFactory(fiscal_year=2023, title="別")
    assert list(selectors.projects_visible_to(staff, q="電子化")) == [project]
    assert list(selectors.projects_visible_to(staff, q="令和6")) == [project]


def test_project_detail_of_a_draft_is_404_for_staff(staff):
    from django.http import Http404

    draft = factories.ProjectFactory(status=Project.Status.DRAFT)
    with pytest.raises(Http404):
        selectors.project_detail(staff, draft.pk)


def test_my_projects_lists_every_membership_newest_year_first(staff):
    old = factories.MembershipFactory(user=staff, team__project__fiscal_year=2022)
    new = factories.MembershipFactory(user=staff, team__project__fiscal_year=2024)
    assert list(selectors.my_projects(staff)) == [new, old]


def test_programme_effects_are_totalled_by_year_and_unit():
    for year, before, after in ((2022, 1200, 300), (2022, 500, 100), (2023, 80, 20)):
        team = factories.TeamFactory(project=factories.ProjectFactory(fiscal_year=year))
        factories.MeasuredEffectFactory(
            worksheet=factories.WorksheetFactory(team=team), before=before, after=after
        )
    months = factories.MeasuredEffectFactory(
        worksheet__team__project__fiscal_year=2022, label="内定通知", unit="月", before=3, after=1
    )
    rejected = factories.TeamFactory(status=Team.Status.REJECTED)
    factories.MeasuredEffectFactory(worksheet=factories.WorksheetFactory(team=rejected))
    rows = selectors.programme_effects_by_year()
    assert rows == [
        {"fiscal_year": 2022, "unit": "時間", "total": Decimal("1300"), "teams": 2, "effects": 2},
        {"fiscal_year": 2022, "unit": "月", "total": Decimal("2"), "teams": 1, "effects": 1},
        {"fiscal_year": 2023, "unit": "時間", "total": Decimal("60"), "teams": 1, "effects": 1},
    ]
    assert months.reduction == 2
    assert selectors.programme_effects_by_year(fiscal_year=2023)[0]["total"] == Decimal("60")
