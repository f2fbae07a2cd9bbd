"""Validators shared by every app's forms and services.

PostgreSQL cannot store a NUL character (\\x00) in text: the driver raises before the
query is sent, which would be a 500. Django's form CharField already refuses NUL, but its
Japanese message (「何か文字を入力してください。」) tells the person something else, so our
forms use `no_nul` instead (through `NoNulFormMixin`), and services that take text
without a form check with `contains_nul`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

NUL_MESSAGE = _("使用できない文字（NUL文字）が含まれています。削除してから入力してください。")


def contains_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def no_nul(value) -> None:
    """Refuse a text holding a NUL character, with a Japanese message."""
    if contains_nul(value):
        raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")


class NoNulFormMixin:
    """Put `no_nul` in place of Django's own NUL validator on every text field of the form
    (the field still refuses NUL; only the message changes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [no_nul]
