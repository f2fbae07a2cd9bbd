"""The Django admin shows values through the one formatting helper (`accounts/fiscal.py`).

The admin formats every list column and read-only field in two functions of its own,
`display_for_field` and `display_for_value`, with the locale's date format
(「2026年11月30日11:28」) and `alt="True"` boolean icons. Django offers no setting for either,
and the admin's templates receive the value already formatted, so `install()` (called once
from `AccountsConfig.ready`) wraps those two functions where the admin looks them up:

- dates and datetimes → 令和8年11月30日 / 令和8年11月30日 17:00 (English: 30 Nov 2026 17:00);
- `fiscal_year` fields → 令和5年度 (FY2023);
- decimals → 1,200 / 2.5 (no trailing zeros);
- booleans → the admin's icon with words for alt text (はい / いいえ / 不明);
- the empty choice of model choices and of the admin's action list → 「選択してください」
  instead of 「---------」 (Django's one shared `BLANK_CHOICE_DASH` list, updated in place,
  the default argument of every place that offers it).

Everything else goes to Django's own function unchanged. See
docs/decisions (the admin's formatting) for why this is a wrapper and not one display
method per column.
"""

import datetime
import decimal

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .fiscal import date_label, datetime_label, fiscal_year_label, number_label
from .validators import EMPTY_CHOICE_LABEL

_ICONS = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(value) -> str:
    """The admin's yes/no icon, with alt text a screen reader can say."""
    words = {True: _("はい"), False: _("いいえ"), None: _("不明")}
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{_ICONS[value]}.svg"), words[value]
    )


def _formatted(value):
    """Our text for a value the helper formats, or None to let Django format it."""
    if isinstance(value, datetime.datetime):
        return datetime_label(value)
    if isinstance(value, datetime.date):
        return date_label(value)
    if isinstance(value, decimal.Decimal):
        return number_label(value)
    return None


def _wrap_display_for_field(original):
    def display_for_field(value, field, empty_value_display, avoid_link=False):
        if getattr(field, "flatchoices", None) or value in getattr(field, "empty_values", ()):
            return original(value, field, empty_value_display, avoid_link)
        if isinstance(field, models.BooleanField):
            return boolean_icon(value)
        if field.name == "fiscal_year" and isinstance(field, models.IntegerField):
            return fiscal_year_label(value)
        if isinstance(field, (models.DateField, models.DecimalField)):
            text = _formatted(value)
            if text is not None:
                return text
        return original(value, field, empty_value_display, avoid_link)

    display_for_field.moka_wrapped = True
    return display_for_field


def _wrap_display_for_value(original):
    def display_for_value(value, empty_value_display, boolean=False):
        if boolean:
            return boolean_icon(value)
        if value not in utils.EMPTY_VALUES:
            text = _formatted(value)
            if text is not None:
                return text
        return original(value, empty_value_display, boolean)

    display_for_value.moka_wrapped = True
    return display_for_value


def install() -> None:
    """Wrap the admin's display functions once (idempotent)."""
    if getattr(utils.display_for_field, "moka_wrapped", False):
        return
    field = _wrap_display_for_field(utils.display_for_field)
    value = _wrap_display_for_value(utils.display_for_value)
    utils.display_for_field = field
    utils.display_for_value = value
    # The admin's modules imported the functions by name: point those names here too.
    admin_list.display_for_field = field
    admin_list.display_for_value = value
    admin_list._boolean_icon = boolean_icon
    helpers.display_for_field = field
    models.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE_LABEL)]
