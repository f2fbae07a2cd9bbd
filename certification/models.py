"""Certification models: rule sets, certifications and their markers, decision batches,
recompute runs, re-issues.

Long because (about 460 lines) each model carries its constraints and their Japanese
messages; the next split is the 認定決裁 models (DecisionBatch, DecisionLine) into a module
of their own, as projects does with `consent_models.py`.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.fiscal import fiscal_year_label


def requirements_validator(value) -> None:
    """A rule set's requirements as `rules.RuleSet` accepts them: {level code: [keys]}."""
    from django.core.exceptions import ValidationError

    from .rules import _requirements

    try:
        if not isinstance(value, dict):
            raise ValueError
        _requirements(value)
    except (ValueError, TypeError, AttributeError):
        raise ValidationError(
            _("資格・研修の要件は、レベルごとの資格・研修の一覧で指定してください。"),
            code="invalid_requirements",
        ) from None


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
    # Off by default: {level code: [keys]} — for a level, one of these verified
    # qualifications or courses is also needed (training app; rules.RuleSet.requirements).
    requirements = models.JSONField(
        _("資格・研修の要件"), default=dict, blank=True, validators=[requirements_validator]
    )

    class ScoreBasis(models.TextChoices):
        """Which perspective means the report score uses (decision record 0022)."""

        RAW = "raw", _("素点の平均（従来どおり）")
        NORMALISED = "normalised", _("評価者ごとの厳しさを補正した平均")

    score_basis = models.CharField(
        _("報告会評価の算出方法"),
        max_length=20,
        choices=ScoreBasis.choices,
        default=ScoreBasis.RAW,
        help_text=_(
            "補正後の平均：報告会ごとに、3チーム以上を評価した評価者の点数をその評価者の"
            "平均と標準偏差で標準化し、報告会全体の平均と標準偏差に当てはめ直します。"
        ),
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
            models.CheckConstraint(
                condition=Q(score_basis__in=["raw", "normalised"]),
                name="ruleset_score_basis_known",
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
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    #: 決裁日: the day the decision that published this certification was taken; the
    #: certificate's 認定日. In automatic publishing it is the day of the recompute.
    decided_on = models.DateField(_("決裁日"), default=timezone.localdate)
    #: 決裁番号 of that decision (empty when published automatically).
    decision_number = models.CharField(_("決裁番号"), max_length=50, blank=True)
    #: When the award e-mail was sent (None: still owed; the nightly sweep sends it).
    announced_at = models.DateTimeField(_("通知日時"), null=True, blank=True)
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
    restored = models.PositiveIntegerField(_("有効に戻した数"), default=0)
    proposed = models.PositiveIntegerField(_("起案した明細"), default=0)
    #: The people to recompute (the admin's "recompute selected"); None: everyone.
    user_ids = models.JSONField(_("対象の職員"), null=True, blank=True)
    #: A streamed run's ranges of user ids, by their lower bound: {"low": {"high", "total",
    #: "done", "finished", counts}}; total, done and the counts above are their sums
    #: (certification/services/recompute_ranges.py).
    ranges = models.JSONField(_("範囲ごとの進み具合"), default=dict, blank=True)
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


class DecisionBatch(models.Model):
    """A proposal (認定決裁の起案): what the recompute, or an HR admin, proposes to
    publish. Nothing in it is a certification until an HR admin approves it with a
    決裁日 and 決裁番号 (`certification.services.decision_batch_approve`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("決裁待ち")
        APPROVED = "approved", _("決裁済み")
        CLOSED = "closed", _("終了（承認なし）")

    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    #: The HR admin who prepared it; None when the recompute (the machine) did.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起案者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起案日時"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("決裁者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(_("決裁日"), null=True, blank=True)
    decision_number = models.CharField(_("決裁番号"), max_length=50, blank=True)
    decided_at = models.DateTimeField(_("決裁操作日時"), null=True, blank=True)
    #: The 認定基準 the lines were judged by: {"2024": {"report_threshold": 60, ...}}.
    rule_sets = models.JSONField(_("適用した認定基準"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("認定決裁")
        verbose_name_plural = _("認定決裁")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (
                    Q(decided_by__isnull=False, decided_on__isnull=False, decided_at__isnull=False)
                    & ~Q(decision_number="")
                ),
                name="decisionbatch_approved_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(status="approved") | Q(decided_on__isnull=True, decision_number=""),
                name="decisionbatch_undecided_has_no_decision",
            ),
            models.UniqueConstraint(
                fields=["decision_number"],
                condition=~Q(decision_number=""),
                name="decisionbatch_unique_number",
                violation_error_message=_("この決裁番号は既に使われています。"),
            ),
        ]

    def __str__(self):
        if self.decision_number:
            return f"#{self.pk} {self.decision_number}"
        return f"#{self.pk} {self.get_status_display()}"


class DecisionLine(models.Model):
    """One proposed change for one person in a `DecisionBatch`."""

    class Kind(models.TextChoices):
        AWARD = "award", _("認定（自動判定）")
        FLAG = "flag", _("要確認にする")
        RESTORE = "restore", _("有効に戻す")
        GRANT = "grant", _("認定（人事担当による付与）")
        REVOKE = "revoke", _("認定の取消")

    class Status(models.TextChoices):
        PENDING = "pending", _("決裁待ち")
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("却下")
        SUPERSEDED = "superseded", _("取り下げ（データ変更）")

    #: Kinds the recompute proposes (and supersedes when the data moves on).
    MACHINE_KINDS = (Kind.AWARD, Kind.FLAG, Kind.RESTORE)
    #: Kinds that publish a certification when approved.
    PUBLISHING_KINDS = (Kind.AWARD, Kind.GRANT)

    batch = models.ForeignKey(
        DecisionBatch, verbose_name=_("認定決裁"), on_delete=models.PROTECT, related_name="lines"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="certification_proposals",
    )
    kind = models.CharField(_("内容"), max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("認定レベル"), choices=Level.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("認定年度"))
    #: The certification a flag, restore or revoke is about.
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("対象の認定"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_lines",
    )
    evidence = models.JSONField(_("根拠"), default=dict, blank=True)
    reason = models.TextField(_("理由"), max_length=2000, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reject_reason = models.TextField(_("却下の理由"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("決裁者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("決裁操作日時"), null=True, blank=True)
    #: The certification an approved award or grant published.
    published = models.OneToOneField(
        Certification,
        verbose_name=_("発行した認定"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("認定決裁の明細")
        verbose_name_plural = _("認定決裁の明細")
        ordering = ["batch", "user__last_name_kana", "user__first_name_kana", "level", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "level", "kind"],
                condition=Q(status="pending"),
                name="decisionline_one_pending_per_person_level_kind",
                violation_error_message=_(
                    "この職員のこのレベルには、同じ内容の決裁待ちの起案が既にあります。"
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="decisionline_rejected_has_reason",
                violation_error_message=_("却下の理由を入力してください。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["grant", "revoke"]) | ~Q(reason=""),
                name="decisionline_manual_has_reason",
                violation_error_message=_("理由を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["award", "grant"]) | Q(certification__isnull=False),
                name="decisionline_change_names_its_certification",
            ),
            models.CheckConstraint(
                condition=Q(status="pending")
                | Q(status="superseded")
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="decisionline_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=Q(published__isnull=True)
                | Q(status="approved", kind__in=["award", "grant"]),
                name="decisionline_only_approved_awards_publish",
            ),
        ]
        indexes = [models.Index(fields=["status", "user"])]

    def __str__(self):
        return f"{self.user} {self.get_kind_display()} {self.get_level_display()}"


# The credential's status-list index lives with the credential code.
from .credentials.models import CertificateReissue, CredentialStatus  # noqa: E402, F401
