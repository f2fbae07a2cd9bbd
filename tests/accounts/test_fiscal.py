import datetime

import pytest
from django.utils import translation

from accounts.fiscal import (
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_of,
    wareki_date,
    wareki_fiscal_year,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2024, 3, 31), 2023),
        (datetime.date(2024, 4, 1), 2024),
        (datetime.date(2025, 3, 31), 2024),
        (datetime.date(2025, 1, 1), 2024),
        (datetime.date(2024, 12, 31), 2024),
    ],
)
def test_the_fiscal_year_starts_on_the_first_of_april(day, year):
    assert fiscal_year_of(day) == year


def test_an_aware_datetime_is_judged_in_tokyo_time():
    # 2024-03-31 16:00 UTC is 2024-04-01 01:00 in Tokyo: already the new fiscal year.
    moment = datetime.datetime(2024, 3, 31, 16, 0, tzinfo=datetime.UTC)
    assert fiscal_year_of(moment) == 2024


def test_the_bounds_of_a_fiscal_year_are_april_to_march():
    assert fiscal_year_bounds(2023) == (datetime.date(2023, 4, 1), datetime.date(2024, 3, 31))


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2018, "平成30年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2022, "令和4年度"),
        (2023, "令和5年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_fiscal_years_are_labelled_in_the_japanese_era(year, label):
    assert wareki_fiscal_year(year) == label


def test_the_label_is_japanese_by_default_and_fy_in_english():
    with translation.override("ja"):
        assert fiscal_year_label(2024) == "令和6年度"
    with translation.override("en"):
        assert fiscal_year_label(2024) == "FY2024"


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2024, 4, 1), "令和6年4月1日"),
    ],
)
def test_calendar_dates_change_era_on_the_day_the_era_began(day, label):
    assert wareki_date(day) == label
