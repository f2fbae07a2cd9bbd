"""所属長の承認 (issue 12): the head of the applicant's 課 consents to an application (or a
team proposal, through its leader's membership) before the organiser decides on it.

One `HeadConsent` per membership that needed the step: created `pending` when the person
applies or proposes (if the project asks for it and the roster gives them a 所属長), then
`consented` (with how the work is covered, 業務の分担) or `declined` (with a reason, shown
to the applicant). A membership without a HeadConsent row never waited for a head.
See docs/decisions/0018-head-consent.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

NOTE_MAX = 1000  # the longest 業務の分担 note or reason we accept


class HeadConsent(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("所属長の承認待ち")
        CONSENTED = "consented", _("所属長が承認")
        DECLINED = "declined", _("所属長が不承認")

    membership = models.OneToOneField(
        "projects.Membership",
        verbose_name=_("参加申請"),
        on_delete=models.PROTECT,
        related_name="head_consent",
    )
    decision = models.CharField(
        _("所属長の判断"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("判断した所属長"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)
    coverage = models.TextField(_("業務の分担"), max_length=NOTE_MAX, blank=True)
    reason = models.TextField(_("不承認の理由"), max_length=NOTE_MAX, blank=True)
    requested_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    notified_at = models.DateTimeField(_("所属長への通知日時"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("所属長の承認")
        verbose_name_plural = _("所属長の承認")
        ordering = ["-requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="pending")
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="head_consent_decided_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(decision="declined") | ~Q(reason=""),
                name="head_consent_decline_has_reason",
                violation_error_message=_("不承認の理由を入力してください。"),
            ),
            models.CheckConstraint(
                condition=~Q(decision="consented") | ~Q(coverage=""),
                name="head_consent_consent_has_coverage",
                violation_error_message=_("業務の分担を入力してください。"),
            ),
        ]
        indexes = [models.Index(fields=["decision", "notified_at"])]

    def __str__(self):
        return f"{self.membership} / {self.get_decision_display()}"

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING

    @property
    def is_consented(self) -> bool:
        return self.decision == self.Decision.CONSENTED

    @property
    def is_declined(self) -> bool:
        return self.decision == self.Decision.DECLINED


def awaiting_head(membership, project) -> bool:
    """`membership` (of `project`) still waits for the 所属長: no query when the caller
    loaded `head_consent` with select_related."""
    try:
        consent = membership.head_consent
    except HeadConsent.DoesNotExist:
        return False
    return (
        consent.is_pending
        and membership.status == "applied"
        and bool(project.requires_head_consent)
    )
