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

EMPTY_CHOICE_LABEL = _("選択してください")
NUL_MESSAGE = _("使用できない文字（NUL文字）が含まれています。削除してから入力してください。")


def contains_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def no_nul(value) -> None:
    """Refuse a text holding a NUL character, with a Japanese message."""
    if contains_nul(value):
        raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")


def label_empty_choices(form) -> None:
    """Name the empty choice of every select 「選択してください」 instead of Django's
    「---------」 (model choices, foreign keys and our own choice lists alike)."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) == "---------":
            field.empty_label = EMPTY_CHOICE_LABEL
        choices = getattr(field, "choices", None)
        if isinstance(choices, list) and choices and choices[0] == ("", "---------"):
            field.choices = [("", EMPTY_CHOICE_LABEL), *choices[1:]]


class NoNulFormMixin:
    """Our forms' base: `no_nul` in place of Django's own NUL validator on every text field
    (the field still refuses NUL; only the message changes), and the empty choice of every
    select named 「選択してください」 (`label_empty_choices`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_empty_choices(self)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [no_nul]
