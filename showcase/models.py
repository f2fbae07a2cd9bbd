"""The all-staff showcase (全職員向けオンライン発表会) and the case library (事例ライブラリ).

A `ShowcaseCase` is one team's results published to every member of staff after the
project's report meeting closed. It shows the worksheet, the measured effects, the slides
and the team (names only of members who consent, `NameConsent`), never scores,
leadership results or comments. Staff register interest in adopting a case in their own
課 (`AdoptionInterest`, 横展開); the organiser tracks it to 導入済み.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Department
from projects.models import Team

NOTE_MAX = 500


class ThemeTag(models.Model):
    """A theme of the small list the organiser maintains (e.g. ペーパーレス, 窓口)."""

    name = models.CharField(_("タグ"), max_length=30, unique=True)
    name_en = models.CharField(_("タグ（英語）"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("テーマタグ")
        verbose_name_plural = _("テーマタグ")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The English name on an English page when the organiser gave one."""
        return self.name_en if get_language() == "en" and self.name_en else self.name


class ShowcaseCase(models.Model):
    """A team's results as published to all staff. `title`, `fiscal_year`, `department`
    and `search_text` are copied from the team at publication (the worksheet is frozen by
    then: the project's report meeting has closed), so the library filters and searches
    one table; `search_text` is NFKC-normalised and lower-cased (see `selectors.normalise`)
    and, on PostgreSQL, carries a pg_trgm GIN index (migration 0001)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("公開中")
        UNPUBLISHED = "unpublished", _("非公開")

    team = models.OneToOneField(
        Team, verbose_name=_("チーム"), on_delete=models.PROTECT, related_name="showcase_case"
    )
    title = models.CharField(_("事例名"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tags = models.ManyToManyField(
        ThemeTag, verbose_name=_("テーマタグ"), blank=True, related_name="cases"
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )
    search_text = models.TextField(_("検索用テキスト"), blank=True, editable=False)
    published_at = models.DateTimeField(_("公開日時"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公開者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unpublished_at = models.DateTimeField(_("非公開にした日時"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公開事例")
        verbose_name_plural = _("公開事例")
        ordering = ["-fiscal_year", "title", "pk"]
        indexes = [models.Index(fields=["status", "fiscal_year"])]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class NameConsent(models.Model):
    """A member's choice whether the showcase shows their name with their team. No row
    means consent (the default is on); the member changes it themselves."""

    team = models.ForeignKey(
        Team, verbose_name=_("チーム"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="showcase_name_consents",
    )
    show_name = models.BooleanField(_("発表会で名前を表示する"), default=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("名前の掲載同意")
        verbose_name_plural = _("名前の掲載同意")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="name_consent_once_per_member")
        ]

    def __str__(self):
        return f"{self.team} / {self.user}"


class AdoptionInterest(models.Model):
    """「自分の課でも取り入れたい」: a member of staff's interest in adopting a case in a 課
    (横展開). One per person × case × 課. The organiser moves it along
    関心あり → 検討中 → 導入済み (or 見送り); an adopted case's measured effects count
    on the dashboard as 横展開の効果."""

    class Status(models.TextChoices):
        INTERESTED = "interested", _("関心あり")
        CONSIDERING = "considering", _("検討中")
        ADOPTED = "adopted", _("導入済み")
        DROPPED = "dropped", _("見送り")

    case = models.ForeignKey(
        ShowcaseCase,
        verbose_name=_("事例"),
        on_delete=models.PROTECT,
        related_name="interests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="adoption_interests",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("導入を検討する課"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("ひとこと"), max_length=NOTE_MAX, blank=True)
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.INTERESTED
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("状況の更新日時"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("状況の更新者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    adopted_on = models.DateField(_("導入日"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("横展開（導入希望）")
        verbose_name_plural = _("横展開（導入希望）")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "department"],
                name="adoption_interest_once_per_person_case_department",
                violation_error_message=_("この事例には既にこの課で登録しています。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_on__isnull=False),
                name="adoption_adopted_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.case} / {self.department}"

    @property
    def is_open(self) -> bool:
        """Still moving: not adopted, not dropped."""
        return self.status in (self.Status.INTERESTED, self.Status.CONSIDERING)
