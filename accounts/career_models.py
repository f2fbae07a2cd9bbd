"""A person's career in the city, as dated records (issue #14): where they worked when
(`DepartmentAssignment`) and the names they carried (`NameChange`).

Written only by `accounts.services.careers`; read by `accounts.selectors`
(`department_at`, `departments_on`). See docs/decisions/0023-careers.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DepartmentAssignment(models.Model):
    """One period a person belonged to a department, both days included.

    `starts_on` empty: since before the portal kept the history (the first transfer
    closes the department the person had then as such a period). `ends_on` empty: still
    there. A person without any row has always been in their current department as far
    as the portal knows. Periods of one person never overlap: the transfer service
    checks it under a lock on the person, and the constraints below hold the shape.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="department_assignments",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("所属"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    starts_on = models.DateField(_("開始日"), null=True, blank=True)
    ends_on = models.DateField(_("終了日"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("記録日時"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("所属の履歴")
        verbose_name_plural = _("所属の履歴")
        ordering = ["user", F("starts_on").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="assignment_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ends_on__isnull=True),
                name="assignment_one_open_per_user",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(starts_on__isnull=True),
                name="assignment_one_unknown_start_per_user",
            ),
            models.UniqueConstraint(fields=["user", "starts_on"], name="assignment_unique_start"),
        ]

    def __str__(self):
        return f"{self.user} {self.department}"


class NameChange(models.Model):
    """A change of a person's legal name (婚姻・離婚など), recorded by HR.

    `old_*` is the name the person used at work before; `new_*` the new legal name.
    With `uses_maiden_name_at_work` the person keeps using the old name (旧姓使用) at
    work: the portal's name (display, reading order, 認定証) stays the old one and the
    legal name is kept here only. Otherwise the portal's name becomes the new one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="name_changes",
    )
    changed_on = models.DateField(_("変更日"))
    old_last_name = models.CharField(_("旧姓"), max_length=50, blank=True)
    old_first_name = models.CharField(_("旧名"), max_length=50, blank=True)
    old_last_name_kana = models.CharField(_("旧セイ"), max_length=50, blank=True)
    old_first_name_kana = models.CharField(_("旧メイ"), max_length=50, blank=True)
    new_last_name = models.CharField(_("新しい姓"), max_length=50, blank=True)
    new_first_name = models.CharField(_("新しい名"), max_length=50, blank=True)
    new_last_name_kana = models.CharField(_("新しいセイ"), max_length=50, blank=True)
    new_first_name_kana = models.CharField(_("新しいメイ"), max_length=50, blank=True)
    uses_maiden_name_at_work = models.BooleanField(_("職場で旧姓を使用"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("記録日時"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("氏名の変更")
        verbose_name_plural = _("氏名の変更")
        ordering = ["user", "changed_on", "pk"]

    def __str__(self):
        return f"{self.old_name} → {self.new_name}"

    @property
    def old_name(self) -> str:
        return f"{self.old_last_name} {self.old_first_name}".strip()

    @property
    def new_name(self) -> str:
        return f"{self.new_last_name} {self.new_first_name}".strip()

    @property
    def work_name(self) -> str:
        """The name used at work from `changed_on` on."""
        return self.old_name if self.uses_maiden_name_at_work else self.new_name
