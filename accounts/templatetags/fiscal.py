"""Template filters for the one formatting helper (`accounts/fiscal.py`).

Templates never format a date with `|date:` nor a number with `|floatformat`: a test
(`tests/accounts/test_formatting.py`) fails when one does."""

from django import template

from accounts.fiscal import (
    date_label,
    datetime_label,
    fiscal_year_label,
    number_label,
    score_label,
)

register = template.Library()


@register.filter
def fy(year):
    """{{ project.fiscal_year|fy }} → 令和6年度 (FY2024 in English)."""
    return fiscal_year_label(year)


@register.filter
def wareki(day):
    """{{ some_date|wareki }} → 令和6年4月1日 (1 Apr 2024 in English)."""
    return date_label(day)


@register.filter
def wareki_datetime(moment):
    """{{ meeting.closed_at|wareki_datetime }} → 令和7年2月10日 17:00 (Tokyo time)."""
    return datetime_label(moment)


@register.filter
def score(value):
    """{{ mean|score }} → 68.6, 60 (one decimal at most, for every score, mean and threshold)."""
    return score_label(value)


@register.filter
def number(value):
    """{{ effect.before|number }} → 1,200 (thousands separators, no trailing zeros)."""
    return number_label(value)
