import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.fiscal import fiscal_year_label


class Level(models.IntegerChoices):
    """Same values as `certification.rules.Level`."""

    ADVISOR = 1, _("DXアドバイザー")
    EXPERT = 2, _("DXエキスパート")
    SPECIALIST = 3, _("DXスペシャリスト")


class RuleSet(models.Model):
    """The certification settings of one fiscal year (認定基準). A year without a row uses
    the defaults below (those of `certification.rules.RuleSet`)."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    report_threshold = models.DecimalField(
        _("報告会評価の基準点"),
        max_digits=5,
        decimal_places=2,
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    leadership_threshold = models.DecimalField(
        _("リーダーシップ評価の基準点"),
        max_digits=5,
        decimal_places=2,
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    policy_weight = models.DecimalField(
        _("政策的観点の重み"),
        max_digits=4,
        decimal_places=2,
        default=0.6,
        validators=[MinValueValidator(0)],
    )
    technical_weight = models.DecimalField(
        _("技術的観点の重み"),
        max_digits=4,
        decimal_places=2,
        default=0.4,
        validators=[MinValueValidator(0)],
    )
    min_policy_raters = models.PositiveSmallIntegerField(
        _("政策的観点の最少評価者数"), default=2, validators=[MinValueValidator(1)]
    )
    min_technical_raters = models.PositiveSmallIntegerField(
        _("技術的観点の最少評価者数"), default=1, validators=[MinValueValidator(1)]
    )
    min_leadership_raters = models.PositiveSmallIntegerField(
        _("リーダーシップ評価の最少評価者数"), default=2, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("認定基準")
        verbose_name_plural = _("認定基準")
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report_threshold__gte=0, report_threshold__lte=100)
                & Q(leadership_threshold__gte=0, leadership_threshold__lte=100),
                name="ruleset_thresholds_0_100",
            ),
            models.CheckConstraint(
                condition=Q(policy_weight__gte=0, technical_weight__gte=0)
                & (Q(policy_weight__gt=0) | Q(technical_weight__gt=0)),
                name="ruleset_weights_positive",
                violation_error_message=_("重みのどちらかは0より大きくしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(
                    min_policy_raters__gte=1,
                    min_technical_raters__gte=1,
                    min_leadership_raters__gte=1,
                ),
                name="ruleset_min_raters_positive",
            ),
        ]

    def __str__(self):
        return fiscal_year_label(self.fiscal_year)


class Certification(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("有効")
        FLAGGED = "flagged", _("要確認")
        REVOKED = "revoked", _("取消")

    class Source(models.TextChoices):
        AUTOMATIC = "automatic", _("自動判定")
        MANUAL = "manual", _("人事担当による付与")

    HELD = (Status.ACTIVE, Status.FLAGGED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    level = models.PositiveSmallIntegerField(_("認定レベル"), choices=Level.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("認定年度"))
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(
        _("認定方法"), max_length=10, choices=Source.choices, default=Source.AUTOMATIC
    )
    evidence = models.JSONField(_("根拠"), default=dict, blank=True)
    public_id = models.UUIDField(_("認定証番号"), default=uuid.uuid4, unique=True, editable=False)
    reason = models.TextField(_("理由"), max_length=2000, blank=True)
    flag_reason = models.TextField(_("要確認の理由"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("認定日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最終操作者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("認定")
        verbose_name_plural = _("認定")
        ordering = ["-fiscal_year", "-level", "user__last_name_kana"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "level"],
                condition=Q(status__in=["active", "flagged"]),
                name="certification_one_held_per_level",
                violation_error_message=_("この職員は既にこのレベルの認定を受けています。"),
            ),
            models.CheckConstraint(
                condition=~Q(source="manual") | ~Q(reason=""),
                name="certification_manual_has_reason",
                violation_error_message=_("手動で付与するときは理由を入力してください。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False),
                name="certification_revoked_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "level", "fiscal_year"])]

    def __str__(self):
        return f"{self.user} {self.get_level_display()}（{fiscal_year_label(self.fiscal_year)}）"


class StaleUser(models.Model):
    """A person whose certification must be recomputed. Written when a meeting or window
    closes, deleted by the recompute that handles them: if the broker is down when the
    close happens, the nightly sweep still finds them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("再計算待ち")
        verbose_name_plural = _("再計算待ち")

    def __str__(self):
        return f"#{self.user_id}"


class RecomputeRun(models.Model):
    """A full recompute started from the admin; the admin shows its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("対象人数"), default=0)
    done = models.PositiveIntegerField(_("処理済み"), default=0)
    created = models.PositiveIntegerField(_("新規認定"), default=0)
    flagged = models.PositiveIntegerField(_("要確認"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実行者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("開始日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("一括再計算")
        verbose_name_plural = _("一括再計算")
        ordering = ["-started_at"]

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()}"
