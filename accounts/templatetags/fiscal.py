from django import template

from accounts.fiscal import fiscal_year_label, wareki_date

register = template.Library()


@register.filter
def fy(year):
    """{{ project.fiscal_year|fy }} → 令和6年度 (FY2024 in English)."""
    return fiscal_year_label(year)


@register.filter
def wareki(day):
    """{{ some_date|wareki }} → 令和6年4月1日."""
    return wareki_date(day) if day else ""
