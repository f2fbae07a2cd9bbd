"""The markup every page shares (base.html) and the pieces the browser judges cannot
tell apart by themselves: page titles, the menu's order per role, the error pages, the
board's cells for screen readers and the confirmation on closing a meeting. The judges
themselves (axe, vnu, layout) are in tests/browser/test_judges.py."""

import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.defaults import server_error

from accounts.roles import Role
from evaluations.models import ReportMeeting
from tests import factories

pytestmark = pytest.mark.django_db

SITE = "真岡市 DX人材ポータル"


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def _menu(response) -> list[str]:
    html = response.content.decode()
    menu = html[html.index('id="mainnav"') : html.index("/i18n/setlang/")]
    return re.findall(r'class="(?:nav-link|dropdown-item)" href="[^"]*">([^<]+)</a>', menu)


def test_a_page_title_names_the_page_then_the_site_with_a_separator(client, staff):
    client.force_login(staff)

    response = client.get(reverse("certification:my_certification"))

    assert _title(response) == f"わたしの認定 | {SITE}"


def test_a_page_without_a_title_of_its_own_is_titled_with_the_site_alone():
    template = Template("{% load page %}{% filter page_title %}\n  {% endfilter %}")

    assert template.render(Context()) == SITE


def test_every_page_links_the_favicon(client):
    response = client.get(reverse("account_login"))

    assert 'rel="icon" href="/static/favicon.svg"' in response.content.decode()


def test_the_admin_links_the_favicon_and_our_contrast_fixes(client, hr_admin):
    client.force_login(hr_admin)

    html = client.get(reverse("admin:index")).content.decode()

    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert "/static/css/admin.css" in html


def test_a_member_of_staff_sees_the_staff_pages_in_the_menu(client, staff):
    client.force_login(staff)

    menu = _menu(client.get(reverse("home")))

    # The last three sit under 「その他」, so the menu stays one row.
    assert menu == [
        "BPRプロジェクト",
        "参加プロジェクト",
        "リーダーシップ評価",
        "わたしの認定",
        "活動時間",
        "研修・資格",
        "事例ライブラリ",
    ]


def test_an_executive_s_menu_starts_with_the_meetings_to_rate(client, executive):
    client.force_login(executive)

    response = client.get(reverse("home"))

    # A 部長 heads their 部 by the roster: 所属長の承認 (issue 12) is their own work too.
    assert _menu(response) == [
        "報告会の評価",
        "所属長の承認",
        "BPRプロジェクト",
        "参加プロジェクト",
        "活動時間",
        "リーダーシップ評価",
        "わたしの認定",
        "研修・資格",
        "事例ライブラリ",
    ]
    assert "職員向けページ" in response.content.decode()


def test_an_hr_admin_s_menu_starts_with_their_own_work(client, hr_admin):
    client.force_login(hr_admin)

    menu = _menu(client.get(reverse("home")))

    assert menu[:2] == ["認定状況", "管理画面"]


def test_an_organiser_s_menu_starts_with_running_the_programme(client, organiser):
    client.force_login(organiser)

    menu = _menu(client.get(reverse("home")))

    assert menu[:2] == ["プロジェクト運営", "報告会運営"]


def test_a_refused_page_is_explained_in_our_layout(client, staff):
    client.force_login(staff)

    response = client.get(reverse("evaluations:organiser_meeting_list"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "この操作はできません" in html
    assert 'class="navbar' in html
    assert _title(response) == f"この操作はできません | {SITE}"


def test_a_missing_page_is_explained_in_our_layout(client, staff):
    client.force_login(staff)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_a_missing_page_is_explained_in_english_to_an_english_reader(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "en"

    response = client.get("/no-such-page/")

    assert "Page not found" in response.content.decode()


def test_the_server_error_page_needs_neither_a_request_context_nor_the_database():
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "エラーが発生しました" in html
    assert "Something went wrong" in html
    assert "/static/css/portal.css" in html
    assert len(queries) == 0


def test_the_board_tells_screen_readers_each_cell_in_words(client, organiser):
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.OPEN)
    factories.PresentationFactory(meeting=meeting)
    factories.ExecutiveFactory()
    client.force_login(organiser)

    html = client.get(reverse("evaluations:organiser_meeting_board", args=[meeting.pk])).content
    html = html.decode()

    assert '<span aria-hidden="true">—</span><span class="visually-hidden">未評価</span>' in html
    assert 'aria-label="未評価"' not in html


def test_closing_a_meeting_asks_for_confirmation_and_is_the_last_button(client, organiser):
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.OPEN)
    client.force_login(organiser)

    html = client.get(reverse("evaluations:organiser_meeting_detail", args=[meeting.pk]))
    html = html.content.decode()

    close = reverse("evaluations:organiser_meeting_close", args=[meeting.pk])
    form = re.search(rf'<form[^>]*action="{close}"[^>]*>', html).group(0)
    assert 'data-confirm="評価を締め切ると' in form
    row = html[html.index('class="d-flex flex-wrap gap-2 mb-4"') :]
    row = row[: row.index("</div>")]
    assert row.index(close) > row.rindex('class="btn btn-outline')
    assert "/static/js/confirm.js" in html


def test_scoring_radios_are_named_by_a_legend_first_in_their_fieldset(client):
    executive = factories.user_with_roles(Role.STAFF, Role.EXECUTIVE)
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.OPEN)
    presentation = factories.PresentationFactory(meeting=meeting)
    factories.RubricFactory(fiscal_year=meeting.project.fiscal_year, perspective="policy")
    client.force_login(executive)

    html = client.get(reverse("evaluations:presentation_evaluate", args=[presentation.pk]))
    html = html.content.decode()

    fieldsets = re.findall(r"<fieldset[^>]*>\s*(<\w+)", html)
    assert fieldsets
    assert set(fieldsets) == {"<legend"}
    assert 'autocomplete="off"' not in html
