"""Staff training (職員研修) and qualifications: the second pillar of the programme.

- `Qualification`: the maintained list of qualifications (ITパスポート, 基本情報技術者, …)
  HR extends in the admin.
- `Course`: a course of a 年度 — the city's own (organiser records attendance in bulk),
  an external one (J-LIS etc.; staff register it themselves) or the executives'
  意識改革研修 (recorded like the city's own).
- `CourseRecord` / `QualificationRecord`: a person's course or qualification. Recorded by
  the organiser → verified at once; registered by the person → pending until HR verifies
  it or returns it with a reason.

A record's *key* (`course:<code>`, `qualification:<code>`) is what a rule set may require
for a level (certification/rules.py `RuleSet.requirements`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

QUALIFICATION_PREFIX = "qualification:"
COURSE_PREFIX = "course:"


class Qualification(models.Model):
    code = models.SlugField(
        _("コード"),
        max_length=40,
        unique=True,
        help_text=_("認定基準で要件に指定するときの半角英数字の識別子（例：it_passport）"),
    )
    name = models.CharField(_("資格名"), max_length=100, unique=True)
    name_en = models.CharField(_("資格名（英語）"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=100)
    is_active = models.BooleanField(_("登録の受付"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("資格")
        verbose_name_plural = _("資格")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def key(self) -> str:
        return f"{QUALIFICATION_PREFIX}{self.code}"

    @property
    def label(self) -> str:
        """The name in the reader's language: the English name when there is one."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Course(models.Model):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("市独自研修")
        EXTERNAL = "external", _("外部研修")
        EXECUTIVE = "executive", _("幹部職員の意識改革研修")

    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("研修名"), max_length=200)
    provider = models.CharField(_("実施機関"), max_length=100)
    hours = models.DecimalField(
        _("時間"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(999)],
    )
    held_on = models.DateField(_("実施日"), null=True, blank=True)
    code = models.SlugField(
        _("コード"),
        max_length=40,
        blank=True,
        help_text=_("年度をまたいで同じ研修を指す識別子。認定基準の要件に使います（任意）。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("研修コース")
        verbose_name_plural = _("研修コース")
        ordering = ["-fiscal_year", "kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                name="course_hours_and_year_in_range",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def key(self) -> str | None:
        return f"{COURSE_PREFIX}{self.code}" if self.code else None

    @property
    def organiser_records(self) -> bool:
        """The city's own and executives' courses: the organiser records attendance."""
        return self.kind != self.Kind.EXTERNAL


def certificate_path(instance, filename):
    # A random name under a private directory: never served by a public route (see
    # moka_dx/urls.py), only by training.views.certificate_download after a check.
    import uuid
    from pathlib import Path

    suffix = Path(filename).suffix.lower()[:10]
    return f"training/{instance.person_id}/{uuid.uuid4().hex}{suffix}"


class Review(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    VERIFIED = "verified", _("確認済み")
    RETURNED = "returned", _("差戻し")


class RecordBase(models.Model):
    """What a course record and a qualification record share: who, the file, HR's review."""

    Status = Review

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("職員"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.FileField(
        _("証明書ファイル"), upload_to=certificate_path, blank=True, max_length=200
    )
    status = models.CharField(
        _("確認状況"), max_length=20, choices=Review.choices, default=Review.PENDING
    )
    return_reason = models.CharField(_("差戻しの理由"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_verified(self) -> bool:
        return self.status == Review.VERIFIED


class CourseRecord(RecordBase):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="course_records",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("研修コース"), on_delete=models.PROTECT, related_name="records"
    )
    completed_on = models.DateField(_("受講日"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("受講記録")
        verbose_name_plural = _("受講記録")
        ordering = ["-completed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                condition=~Q(status="returned"),
                name="course_record_once_per_person",
                violation_error_message=_("この研修の受講記録はすでに登録されています。"),
            )
        ]

    def __str__(self):
        return f"{self.course} / {self.person}"


class QualificationRecord(RecordBase):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="qualification_records",
    )
    qualification = models.ForeignKey(
        Qualification, verbose_name=_("資格"), on_delete=models.PROTECT, related_name="records"
    )
    obtained_on = models.DateField(_("取得日"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("資格取得記録")
        verbose_name_plural = _("資格取得記録")
        ordering = ["-obtained_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "person"],
                condition=~Q(status="returned"),
                name="qualification_record_once_per_person",
                violation_error_message=_("この資格はすでに登録されています。"),
            )
        ]

    def __str__(self):
        return f"{self.qualification} / {self.person}"
