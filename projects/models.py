"""Projects, teams, memberships, worksheets, workshops, leaves and leader terms.

Long because (about 450 lines) each model carries its constraints and their Japanese
messages. 所属長の承認 (`consent_models.py`) and activity hours (`models_hours.py`)
already live in modules of their own; the next to move are the leave and leader-term
models.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.fiscal import date_label, number_label
from accounts.models import Department, Grade

TEXT_MAX = 4000  # the longest worksheet text we accept (about two A4 pages of Japanese)


class Project(models.Model):
    """A fiscal year's BPR project (e.g. 令和5年度 BPRプロジェクト)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("準備中")
        RECRUITING = "recruiting", _("募集中")
        IN_PROGRESS = "in_progress", _("実施中")
        REPORTING = "reporting", _("報告会")
        CLOSED = "closed", _("終了")

    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("概要"), max_length=TEXT_MAX, blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    recruitment_starts_on = models.DateField(_("募集開始日"))
    recruitment_ends_on = models.DateField(_("募集終了日"))
    max_grade = models.PositiveSmallIntegerField(
        _("応募できる職位の上限"), choices=Grade.choices, default=Grade.KAKARICHO
    )
    team_size_min = models.PositiveSmallIntegerField(
        _("チームの最少人数"), default=3, validators=[MinValueValidator(1)]
    )
    team_size_max = models.PositiveSmallIntegerField(
        _("チームの最大人数"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    coaching_vendor = models.CharField(_("伴走支援事業者"), max_length=100, blank=True)
    requires_head_consent = models.BooleanField(
        _("所属長の承認を求める"),
        default=True,
        help_text=_(
            "オンにすると、参加申請とチーム提案は所属長の承認を経てからDX推進担当に届きます。"
        ),
    )
    # 業務外活動の目安 (e.g. 週4時間): weeks above it are flagged to the member and their
    # 所属長 (projects/models_hours.py). Empty: no cap.
    weekly_hours_cap = models.DecimalField(
        _("週あたりの活動時間の上限"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("168"))],
        help_text=_("例：4（週4時間）。空欄なら上限なし。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("BPRプロジェクト")
        verbose_name_plural = _("BPRプロジェクト")
        ordering = ["-fiscal_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recruitment_ends_on__gte=F("recruitment_starts_on")),
                name="project_recruitment_window_ordered",
                violation_error_message=_("募集終了日は募集開始日以降にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(team_size_min__gte=1) & Q(team_size_min__lte=F("team_size_max")),
                name="project_team_size_range",
                violation_error_message=_("チームの人数は 1 ≦ 最少 ≦ 最大 にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours_cap__isnull=True) | Q(weekly_hours_cap__gt=0),
                name="project_weekly_hours_cap_positive",
                violation_error_message=_("週あたりの活動時間の上限は0より大きくしてください。"),
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "status"])]

    def __str__(self):
        return self.title


class Team(models.Model):
    """A team of a project. `member_count` counts live memberships (applied or approved),
    so a place is held from the moment someone applies; the database refuses a count above
    `max_size` (copied from the project when the team is proposed)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("承認待ち")
        APPROVED = "approved", _("承認済み")
        REJECTED = "rejected", _("却下")
        WITHDRAWN = "withdrawn", _("取下げ")

    project = models.ForeignKey(
        Project, verbose_name=_("プロジェクト"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("チーム名"), max_length=60)
    theme = models.CharField(_("テーマ"), max_length=200)
    target_department = models.ForeignKey(
        Department,
        verbose_name=_("改善対象の所属"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    max_size = models.PositiveSmallIntegerField(_("定員"))
    member_count = models.PositiveSmallIntegerField(_("人数"), default=0)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("チーム")
        verbose_name_plural = _("チーム")
        ordering = ["project", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_count__lte=F("max_size")),
                name="team_never_exceeds_max_size",
                violation_error_message=_("このチームは定員に達しています。"),
            ),
            models.UniqueConstraint(
                fields=["project", "name"],
                name="team_name_unique_in_project",
                violation_error_message=_("このプロジェクトには同じ名前のチームがあります。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_proposed(self) -> bool:
        """Waiting for the organiser's approval."""
        return self.status == self.Status.PROPOSED


class Membership(models.Model):
    """A person in a team. `project` repeats `team.project` so that the database can
    refuse a second live membership of one person in one project."""

    class Role(models.TextChoices):
        LEADER = "leader", _("リーダー")
        MEMBER = "member", _("メンバー")

    class Status(models.TextChoices):
        APPLIED = "applied", _("申請中")
        APPROVED = "approved", _("承認済み")
        REJECTED = "rejected", _("却下")
        WITHDRAWN = "withdrawn", _("辞退")

    LIVE = (Status.APPLIED, Status.APPROVED)

    team = models.ForeignKey(
        Team, verbose_name=_("チーム"), on_delete=models.PROTECT, related_name="memberships"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("プロジェクト"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("役割"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    applied_at = models.DateTimeField(_("申請日時"), auto_now_add=True)
    decided_at = models.DateTimeField(_("決定日時"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("辞退日時"), null=True, blank=True)
    # The last day the person took part, when they left the project early (issue 14); the
    # membership stays approved (they did take part). Set by `membership_end` only.
    ended_on = models.DateField(_("途中終了日"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("メンバー")
        verbose_name_plural = _("メンバー")
        ordering = ["team", "-role", "user__last_name_kana"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=Q(status__in=["applied", "approved"]),
                name="membership_one_live_per_project",
                violation_error_message=_("このプロジェクトでは既に別のチームに参加しています。"),
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(role="leader", status__in=["applied", "approved"]),
                name="membership_one_leader_per_team",
                violation_error_message=_("このチームには既にリーダーがいます。"),
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.team} / {self.user}"

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER

    @property
    def is_applied(self) -> bool:
        """Applied, waiting for a decision."""
        return self.status == self.Status.APPLIED

    @property
    def is_live(self) -> bool:
        """Applied or approved: the person holds a place in the team."""
        return self.status in self.LIVE


class MembershipLeave(models.Model):
    """A pause (休止) of an approved membership: 育児休業, 病気休暇 or another leave, from
    `starts_on` to `ends_on` inclusive (open-ended while `ends_on` is empty). While paused,
    the person is neither asked nor allowed to rate their leader (issue 14). Written by
    `projects.services.membership_leave_add` only; one membership's leaves never overlap
    (checked under a row lock on the membership)."""

    class Kind(models.TextChoices):
        CHILDCARE = "childcare", _("育児休業")
        SICK = "sick", _("病気休暇")
        OTHER = "other", _("その他")

    membership = models.ForeignKey(
        Membership, verbose_name=_("メンバー"), on_delete=models.PROTECT, related_name="leaves"
    )
    kind = models.CharField(_("休止の種類"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("休止開始日"))
    ends_on = models.DateField(_("休止終了日"), null=True, blank=True)
    reason = models.CharField(_("備考"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("休止")
        verbose_name_plural = _("休止")
        ordering = ["membership", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="membership_leave_dates_ordered",
                violation_error_message=_("休止終了日は休止開始日以降にしてください。"),
            ),
        ]

    def __str__(self):
        return f"{self.membership} / {self.get_kind_display()}"

    def covers(self, day) -> bool:
        """The person is on this leave on `day`."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class LeaderTerm(models.Model):
    """Who led a team, and when (issue 14). Written by `projects.services.leader_change`:
    a team without terms is led by its LEADER membership throughout; the first change
    records the former leader's term (from the start, `starts_on` empty) and the new one's
    (`ends_on` empty while they lead). The leadership window evaluates the leader at the
    team's report meeting (`projects.selectors.leader_at`)."""

    team = models.ForeignKey(
        Team, verbose_name=_("チーム"), on_delete=models.PROTECT, related_name="leader_terms"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("リーダー"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("就任日"), null=True, blank=True)
    ends_on = models.DateField(_("退任日"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("リーダーの任期")
        verbose_name_plural = _("リーダーの任期")
        ordering = ["team", F("starts_on").asc(nulls_first=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="leader_term_dates_ordered",
                violation_error_message=_("退任日は就任日以降にしてください。"),
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(ends_on__isnull=True),
                name="leader_term_one_current_per_team",
                violation_error_message=_("このチームには既に現在のリーダーがいます。"),
            ),
        ]

    def __str__(self):
        return f"{self.team} / {self.user}"


class Worksheet(models.Model):
    """A team's BPR worksheet: 課題 → 原因 → 解決策 → 効果, As-Is → To-Be → Can-Be."""

    team = models.OneToOneField(
        Team, verbose_name=_("チーム"), on_delete=models.PROTECT, related_name="worksheet"
    )
    problem = models.TextField(_("課題"), max_length=TEXT_MAX, blank=True)
    cause = models.TextField(_("原因"), max_length=TEXT_MAX, blank=True)
    solution = models.TextField(_("解決策"), max_length=TEXT_MAX, blank=True)
    effect = models.TextField(_("効果"), max_length=TEXT_MAX, blank=True)
    as_is = models.TextField(_("As-Is（現状）"), max_length=TEXT_MAX, blank=True)
    to_be = models.TextField(_("To-Be（理想）"), max_length=TEXT_MAX, blank=True)
    can_be = models.TextField(_("Can-Be（現実解）"), max_length=TEXT_MAX, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("BPRワークシート")
        verbose_name_plural = _("BPRワークシート")

    def __str__(self):
        return str(self.team)


class MeasuredEffect(models.Model):
    """A measured effect of a team's work, e.g. 年間作業時間 1,200 h → 300 h."""

    worksheet = models.ForeignKey(
        Worksheet, verbose_name=_("ワークシート"), on_delete=models.CASCADE, related_name="effects"
    )
    order = models.PositiveSmallIntegerField(_("順番"), default=1)
    label = models.CharField(_("項目"), max_length=100)
    unit = models.CharField(_("単位"), max_length=20)
    before = models.DecimalField(_("改善前"), max_digits=12, decimal_places=2)
    after = models.DecimalField(_("改善後"), max_digits=12, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("効果測定")
        verbose_name_plural = _("効果測定")
        ordering = ["worksheet", "order", "pk"]

    def __str__(self):
        return f"{self.label}：{number_label(self.before)} → {number_label(self.after)} {self.unit}"

    @property
    def reduction(self):
        return self.before - self.after


class Workshop(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("プロジェクト"), on_delete=models.PROTECT, related_name="workshops"
    )
    held_on = models.DateField(_("開催日"))
    topic = models.CharField(_("内容"), max_length=200)
    hours = models.DecimalField(_("時間"), max_digits=4, decimal_places=1, default=2)

    class Meta:
        verbose_name = _("研修")
        verbose_name_plural = _("研修")
        ordering = ["project", "held_on", "pk"]

    def __str__(self):
        return f"{date_label(self.held_on)} {self.topic}"


class Attendance(models.Model):
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("研修"), on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    attended = models.BooleanField(_("出席"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("記録日時"), auto_now=True)

    class Meta:
        verbose_name = _("出欠")
        verbose_name_plural = _("出欠")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="attendance_once_per_person")
        ]

    def __str__(self):
        return f"{self.workshop} / {self.user}"


# 所属長の承認 (issue 12): its own module, imported here so that Django finds the model.
from .consent_models import HeadConsent  # noqa: E402, F401

# Activity hours (業務外活動の記録) live in their own module; imported here so that Django
# registers them with the app.
from .models_hours import ActivityLog, HoursNotice  # noqa: E402, F401
