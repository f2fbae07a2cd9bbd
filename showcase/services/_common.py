"""Validation shared by the showcase services."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ..exceptions import InvalidData


def full_clean(obj, **kwargs) -> None:
    """full_clean with the first message as a refusal; NUL characters refused (PostgreSQL
    cannot store them) and a text's max_length enforced."""
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(obj, field.attname)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise InvalidData(
                _("「%(field)s」に使用できない文字が含まれています。")
                % {"field": field.verbose_name}
            )
        if field.max_length and len(value) > field.max_length:
            raise InvalidData(
                _("「%(field)s」は%(max)s文字以内で入力してください。")
                % {"field": field.verbose_name, "max": field.max_length}
            )
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        messages = error.messages
        raise InvalidData(messages[0] if messages else _("入力内容に誤りがあります。")) from error
