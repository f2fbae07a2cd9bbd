"""What the training services share: validation as a domain refusal, the file check."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import InvalidRecord

CERTIFICATE_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg"}
EARLIEST_DATE = datetime.date(1970, 1, 1)


def full_clean(obj) -> None:
    """full_clean with the first message as a refusal; NUL and over-long text refused too
    (PostgreSQL would raise)."""
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, str) and "\x00" in value:
            raise InvalidRecord(
                _("「%(field)s」に使用できない文字が含まれています。")
                % {"field": field.verbose_name}
            )
    try:
        obj.full_clean()
    except ValidationError as error:
        messages = error.messages
        raise InvalidRecord(messages[0] if messages else _("入力内容に誤りがあります。")) from error


def check_date(value: datetime.date, label: str) -> None:
    """A date that has happened: not in the future, not before 1970."""
    if not isinstance(value, datetime.date):
        raise InvalidRecord(_("「%(field)s」を入力してください。") % {"field": label})
    if value > timezone.localdate():
        raise InvalidRecord(_("「%(field)s」に未来の日付は指定できません。") % {"field": label})
    if value < EARLIEST_DATE:
        raise InvalidRecord(_("「%(field)s」の日付が古すぎます。") % {"field": label})


def certificate_check(upload: UploadedFile) -> None:
    """Accept a PDF, PNG or JPEG no larger than TRAINING_CERTIFICATE_MAX_BYTES, checked by
    extension and by content (the file's first bytes)."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in CERTIFICATE_EXTENSIONS:
        raise InvalidRecord(_("証明書ファイルはPDF・PNG・JPEGのいずれかにしてください。"))
    limit = settings.TRAINING_CERTIFICATE_MAX_BYTES
    if upload.size is None or upload.size > limit or upload.size == 0:
        raise InvalidRecord(
            _("証明書ファイルは%(limit)sMBまでの空でないファイルにしてください。")
            % {"limit": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    expected = {
        ".pdf": (b"%PDF-",),
        ".png": (b"\x89PNG\r\n\x1a\n",),
        ".jpg": (b"\xff\xd8\xff",),
        ".jpeg": (b"\xff\xd8\xff",),
    }[extension]
    if not head.startswith(expected):
        raise InvalidRecord(_("証明書ファイルの内容が拡張子と一致しません。"))
