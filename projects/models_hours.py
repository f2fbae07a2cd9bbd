"""Activity hours (業務外活動の記録, issue 12).

Members log the time they spend on their team's work by hand (`ActivityLog`: a date, hours
in half-hour steps, a short note). Workshop (研修) hours are *not* copied here: they count
from `Attendance` (attended) × `Workshop.hours` in `projects.selectors_hours`, so a
corrected attendance or workshop length shows at once and nothing can drift.

Foreign keys name `projects.Project` and `projects.Team` by label: `projects.models`
imports this module (so that Django registers its models), never the other way round.

`HoursNotice` records that a person's week in a project went over the project's weekly
cap (`Project.weekly_hours_cap`) and that their 所属長 were (or are to be) told: one row
per person × project × ISO week (Monday), so the notice goes out once however many
entries push the week further over.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.fiscal import date_label, number_label

HOURS_STEP = Decimal("0.5")
HOURS_MAX = Decimal(24)
#: Every value an entry may take: 0.5, 1.0, … 24.0 (the database checks the list).
HALF_HOURS = tuple(HOURS_STEP * n for n in range(1, 49))
NOTE_MAX = 200


class ActivityLog(models.Model):
    """Time a member spent on their team's work on one day, outside workshops."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="activity_logs",
    )
    team = models.ForeignKey(
        "projects.Team",
        verbose_name=_("チーム"),
        on_delete=models.PROTECT,
        related_name="activity_logs",
    )
    # Repeats team.project so that weekly totals per project need no join.
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("プロジェクト"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    worked_on = models.DateField(_("活動日"))
    hours = models.DecimalField(_("時間"), max_digits=3, decimal_places=1)
    note = models.CharField(_("内容"), max_length=NOTE_MAX)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活動時間")
        verbose_name_plural = _("活動時間")
        ordering = ["-worked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=HOURS_MAX),
                name="activitylog_hours_in_range",
                violation_error_message=_("時間は0.5〜24時間で入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(hours__in=HALF_HOURS),
                name="activitylog_hours_half_steps",
                violation_error_message=_("時間は0.5時間単位で入力してください。"),
            ),
        ]
        indexes = [
            models.Index(fields=["user", "worked_on"]),
            models.Index(fields=["project", "worked_on"]),
        ]

    def __str__(self):
        return f"{date_label(self.worked_on)} {number_label(self.hours)}h {self.note}"


class HoursNotice(models.Model):
    """A week over the cap, told to the person's 所属長. `sent_at` is set only after the
    mail server accepted the mail (at least once, as the reminders: decision 0012)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("プロジェクト"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    week_starts_on = models.DateField(_("週（月曜日）"))
    hours = models.DecimalField(_("超過時の合計時間"), max_digits=5, decimal_places=1)
    cap = models.DecimalField(_("上限"), max_digits=4, decimal_places=1)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    sent_at = models.DateTimeField(_("通知日時"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活動時間の超過通知")
        verbose_name_plural = _("活動時間の超過通知")
        ordering = ["-week_starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "project", "week_starts_on"], name="hoursnotice_once_per_week"
            )
        ]

    def __str__(self):
        return f"{self.user} {date_label(self.week_starts_on)}"
