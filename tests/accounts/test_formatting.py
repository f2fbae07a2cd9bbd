"""One formatting helper (`accounts/fiscal.py`) for every date and number people read."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

from accounts.fiscal import date_label, datetime_label, number_label, score_label

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 12, 31), "令和元年12月31日"),
        (datetime.date(2020, 1, 1), "令和2年1月1日"),
        (datetime.date(2026, 11, 30), "令和8年11月30日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_dates_are_written_in_the_japanese_era_across_its_boundaries(day, label):
    with translation.override("ja"):
        assert date_label(day) == label


def test_a_moment_is_written_in_tokyo_time_with_hours_and_minutes():
    moment = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)  # 17:00 in Tokyo

    with translation.override("ja"):
        assert datetime_label(moment) == "令和8年11月30日 17:00"


def test_english_dates_are_written_the_english_way():
    moment = timezone.make_aware(datetime.datetime(2026, 11, 30, 17, 0))

    with translation.override("en"):
        assert date_label(moment.date()) == "30 Nov 2026"
        assert datetime_label(moment) == "30 Nov 2026 17:00"


def test_an_empty_date_is_an_empty_label():
    assert date_label(None) == "" and datetime_label(None) == ""


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (60, "60"),
        (60.0, "60"),
        (Decimal("60.00"), "60"),
        (68.6, "68.6"),
        (68.65, "68.7"),
        (68.64, "68.6"),
        (3.75, "3.8"),
        ("87.5", "87.5"),
        (None, ""),
    ],
)
def test_scores_have_one_decimal_at_most(value, label):
    assert score_label(value) == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (Decimal("1200.00"), "1,200"),
        (Decimal("2.50"), "2.5"),
        (1234567.891, "1,234,567.89"),
        (0, "0"),
        (Decimal("-3.10"), "-3.1"),
        (float("nan"), ""),
        (float("inf"), ""),
        ("abc", ""),
    ],
)
def test_quantities_have_thousands_separators_and_no_trailing_zeros(value, label):
    assert number_label(value) == label


# A date input's value must be ISO (HTML requires it); everything people read goes
# through the filters `wareki`, `wareki_datetime`, `fy`, `score` and `number`.
DATE_INPUT_VALUE = re.compile(r'type="date"[^>]*value="\{\{[^}]*\|date:\'Y-m-d\'\s*\}\}"')
FORBIDDEN = (
    re.compile(r"\|\s*date\s*:"),
    re.compile(r"\|\s*time\s*:"),
    re.compile(r"\|\s*floatformat"),
    re.compile(r"\|\s*intcomma"),
    re.compile(r"\.isoformat\b"),
    re.compile(r"\bstrftime\b"),
    re.compile(r"[\"']Y-m-d"),
)


def _offending_lines(root: Path = TEMPLATES) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = DATE_INPUT_VALUE.sub("", line)
            if any(p.search(line) for p in FORBIDDEN):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()[:120]}")
    return found


def test_no_template_formats_a_date_or_number_itself():
    assert _offending_lines() == []


def test_the_guard_catches_a_template_that_formats_a_date_or_score_itself(tmp_path):
    (tmp_path / "bad.html").write_text(
        '{{ meeting.closed_at|date:"Y-m-d H:i" }}\n{{ mean|floatformat:1 }}\n'
        '<input type="date" value="{{ day|date:\'Y-m-d\' }}">\n',
        "utf-8",
    )

    assert len(_offending_lines(tmp_path)) == 2


ISO_MOMENT = re.compile(r"20\d\d-\d\d-\d\d \d\d:\d\d")


@pytest.mark.django_db
def test_the_team_page_shows_the_worksheets_last_update_in_the_japanese_era(client):
    from django.urls import reverse

    from projects.models import Project, Worksheet
    from tests import factories

    team = factories.team_with(
        project=factories.ProjectFactory(status=Project.Status.IN_PROGRESS), members=1
    )
    leader = team.memberships.get(role="leader").user
    factories.WorksheetFactory(team=team, updated_by=leader)
    moment = timezone.make_aware(datetime.datetime(2025, 2, 10, 17, 0))
    Worksheet.objects.filter(team=team).update(updated_at=moment)
    client.force_login(leader)

    html = client.get(reverse("projects:team_detail", args=[team.pk])).content.decode()

    assert "令和7年2月10日 17:00" in html
    assert not ISO_MOMENT.search(html)


def test_the_filters_render_through_the_helper_in_the_active_language():
    from django.template import Context, Template

    template = Template("{% load fiscal %}{{ d|wareki }}|{{ s|score }}|{{ n|number }}|{{ y|fy }}")
    context = Context({"d": datetime.date(2026, 11, 30), "s": 60.0, "n": 1200, "y": 2026})

    with translation.override("ja"):
        assert template.render(context) == "令和8年11月30日|60|1,200|令和8年度"
    with translation.override("en"):
        assert template.render(context) == "30 Nov 2026|60|1,200|FY2026"
