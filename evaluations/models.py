from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.fiscal import fiscal_year_label
from projects.models import Project, Team


class Perspective(models.TextChoices):
    POLICY = "policy", _("政策的観点")
    TECHNICAL = "technical", _("技術的観点")
    LEADERSHIP = "leadership", _("リーダーシップ")


REPORT_PERSPECTIVES = (Perspective.POLICY, Perspective.TECHNICAL)


class Rubric(models.Model):
    """The criteria of one perspective in one fiscal year. Once a rubric has
    evaluations its criteria and weights are frozen (copy it to change them)."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    perspective = models.CharField(_("観点"), max_length=20, choices=Perspective.choices)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価基準")
        verbose_name_plural = _("評価基準")
        ordering = ["-fiscal_year", "perspective"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "perspective"],
                name="rubric_one_per_year_and_perspective",
                violation_error_message=_("この年度・観点の評価基準は既にあります。"),
            )
        ]

    def __str__(self):
        return f"{fiscal_year_label(self.fiscal_year)} {self.get_perspective_display()}"


def _english() -> bool:
    return (get_language() or "ja").startswith("en")


class Criterion(models.Model):
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("評価基準"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("順番"))
    label_ja = models.CharField(_("項目名（日本語）"), max_length=60)
    label_en = models.CharField(_("項目名（英語）"), max_length=60, blank=True)
    description = models.CharField(_("説明"), max_length=300, blank=True)
    weight = models.DecimalField(_("重み"), max_digits=4, decimal_places=2, default=1)
    point_labels = models.JSONField(
        _("1〜5点の目安"),
        default=list,
        blank=True,
        help_text=_("1点から5点までの目安を5つ並べたリスト"),
    )
    description_en = models.CharField(_("説明（英語）"), max_length=300, blank=True)
    point_labels_en = models.JSONField(
        _("1〜5点の目安（英語）"),
        default=list,
        blank=True,
        help_text=_("英語の画面に表示する目安。空のときは日本語を表示します。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価項目")
        verbose_name_plural = _("評価項目")
        ordering = ["rubric", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "order"], name="criterion_order_unique"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
                violation_error_message=_("重みは0より大きくしてください。"),
            ),
        ]

    def __str__(self):
        return self.label_ja

    @property
    def label(self) -> str:
        """The criterion's name in the reader's language (English only when it exists)."""
        if self.label_en and _english():
            return self.label_en
        return self.label_ja

    @property
    def description_text(self) -> str:
        """The description in the reader's language (English only when it exists)."""
        if self.description_en and _english():
            return self.description_en
        return self.description

    @property
    def points(self) -> list[tuple[int, str]]:
        """(1, label) … (5, label) in the reader's language; "" where none is set."""
        labels = self.point_labels_en if self.point_labels_en and _english() else self.point_labels
        labels = list(labels or [])
        return [(i, labels[i - 1] if len(labels) >= i else "") for i in range(1, 6)]


class ScoringWindow(models.Model):
    """What a report meeting and a leadership window share: a status (scheduled → open →
    closed; subclasses give their own `Status` with these three values), when scoring
    opened, and who closed it when. Scores are accepted only while open; closing is
    final. The services lock the row, check the state and call `mark_open` /
    `mark_closed`; the database checks that a closed window has its closing time."""

    SCHEDULED, OPEN, CLOSED = "scheduled", "open", "closed"

    opened_at = models.DateTimeField(_("受付開始日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("締切日時"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("締切操作者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.SCHEDULED

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.CLOSED

    def mark_open(self, *, now) -> list[str]:
        """Open scoring (the caller holds the row lock); returns the fields to save."""
        self.status = self.OPEN
        self.opened_at = now
        return ["status", "opened_at"]

    def mark_closed(self, *, by, now) -> list[str]:
        """Close scoring for good (the caller holds the row lock); returns the fields to
        save."""
        self.status = self.CLOSED
        self.closed_at = now
        self.closed_by = by
        return ["status", "closed_at", "closed_by"]


class ReportMeeting(ScoringWindow):
    """A report meeting (報告会). Scoring is accepted only while it is open."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("開催予定")
        OPEN = "open", _("評価受付中")
        CLOSED = "closed", _("締切済み")

    project = models.ForeignKey(
        Project, verbose_name=_("プロジェクト"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("開催日"))
    place = models.CharField(_("会場"), max_length=100, blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("報告会")
        verbose_name_plural = _("報告会")
        ordering = ["-held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="meeting_closed_has_time",
            )
        ]

    def __str__(self):
        return self.title


def materials_path(instance, filename):
    return f"materials/{instance.meeting_id}/{filename}"


class Presentation(models.Model):
    meeting = models.ForeignKey(
        ReportMeeting,
        verbose_name=_("報告会"),
        on_delete=models.PROTECT,  # a meeting with presentations is never deleted
        related_name="presentations",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("チーム"), on_delete=models.PROTECT, related_name="presentations"
    )
    order = models.PositiveSmallIntegerField(_("発表順"))
    title = models.CharField(_("発表タイトル"), max_length=200)
    materials = models.FileField(_("発表資料"), upload_to=materials_path, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("発表")
        verbose_name_plural = _("発表")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "team"], name="presentation_team_once"),
            models.UniqueConstraint(fields=["meeting", "order"], name="presentation_order_unique"),
        ]

    def __str__(self):
        return self.title


class LeadershipWindow(ScoringWindow):
    """The period in which members (and invited colleagues) evaluate their leader."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("開始前")
        OPEN = "open", _("受付中")
        CLOSED = "closed", _("締切済み")

    project = models.OneToOneField(
        Project,
        verbose_name=_("プロジェクト"),
        on_delete=models.PROTECT,
        related_name="leadership_window",
    )
    closes_on = models.DateField(_("締切日"))
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("リーダーシップ評価期間")
        verbose_name_plural = _("リーダーシップ評価期間")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="window_closed_has_time",
            )
        ]

    def __str__(self):
        return str(self.project)


class LeadershipInvitation(models.Model):
    """A colleague of the leader's own department (同一所属職員) invited to evaluate."""

    team = models.ForeignKey(
        Team, verbose_name=_("チーム"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="leadership_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("招待者"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("招待日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("リーダーシップ評価への招待")
        verbose_name_plural = _("リーダーシップ評価への招待")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="invitation_once_per_team")
        ]

    def __str__(self):
        return f"{self.team} / {self.user}"


class Evaluation(models.Model):
    """One evaluator × one subject × one perspective. The subject is a presentation
    (policy, technical) or a team's leader (leadership, `team`). `score` is the weighted
    mean of the criterion scores mapped to 0–100, stored when the evaluation is saved."""

    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("評価者"),
        on_delete=models.PROTECT,
        related_name="evaluations_given",
    )
    perspective = models.CharField(_("観点"), max_length=20, choices=Perspective.choices)
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("評価基準"), on_delete=models.PROTECT, related_name="evaluations"
    )
    presentation = models.ForeignKey(
        Presentation,
        verbose_name=_("発表"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("チーム（リーダーシップ）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leadership_evaluations",
    )
    score = models.DecimalField(
        _("得点"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField(_("コメント"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価")
        verbose_name_plural = _("評価")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "presentation", "perspective"],
                condition=Q(presentation__isnull=False),
                name="evaluation_once_per_presentation",
            ),
            models.UniqueConstraint(
                fields=["evaluator", "team"],
                condition=Q(perspective="leadership"),
                name="evaluation_once_per_leader",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        perspective__in=["policy", "technical"],
                        presentation__isnull=False,
                        team__isnull=True,
                    )
                    | Q(perspective="leadership", presentation__isnull=True, team__isnull=False)
                ),
                name="evaluation_subject_matches_perspective",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="evaluation_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["presentation", "perspective"])]

    def __str__(self):
        return f"{self.get_perspective_display()} #{self.pk}"


class CriterionScore(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("評価"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("評価項目"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(
        _("点数"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("項目別点数")
        verbose_name_plural = _("項目別点数")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="criterion_score_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="criterion_score_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}：{self.score}"


class ReminderLog(models.Model):
    """A reminder e-mail sent; the unique key makes sending at most once per rater,
    subject and deadline."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("リマインダー送信記録")
        verbose_name_plural = _("リマインダー送信記録")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_key")
        ]

    def __str__(self):
        return self.key
