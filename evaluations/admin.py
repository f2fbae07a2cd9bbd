"""A thin admin. Criteria of a rubric that already has evaluations are read-only here
too (the same guard as `services.rubric_is_locked`); closing and opening go through the
services via actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import SafeActionsMixin

from . import services
from .exceptions import EvaluationError
from .models import (
    Criterion,
    Evaluation,
    LeadershipInvitation,
    LeadershipWindow,
    Presentation,
    ReminderLog,
    ReportMeeting,
    Rubric,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("order", "label_ja", "label_en", "description", "weight", "point_labels")

    def _locked(self, obj) -> bool:
        return obj is not None and obj.pk is not None and services.rubric_is_locked(rubric=obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


@admin.register(Rubric)
class RubricAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    list_display = ("fiscal_year", "perspective", "created_at")
    list_filter = ("fiscal_year", "perspective")
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        return ("fiscal_year", "perspective") if obj else ()

    def save_formset(self, request, form, formset, change):
        # Re-check inside the save: an evaluation may have arrived after the page loaded.
        if (
            change
            and formset.model is Criterion
            and formset.has_changed()
            and services.rubric_is_locked(rubric=form.instance)
        ):
            raise PermissionDenied(
                _("この評価基準には既に評価があるため、項目や重みを変更できません。")
            )
        super().save_formset(request, form, formset, change)


class PresentationInline(admin.TabularInline):
    model = Presentation
    extra = 0
    fields = ("order", "team", "title", "materials")
    raw_id_fields = ("team",)


@admin.register(ReportMeeting)
class ReportMeetingAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    list_display = ("title", "project", "held_on", "status", "closed_at", "closed_by")
    list_filter = ("status", "project__fiscal_year")
    list_select_related = ("project", "closed_by")
    search_fields = ("title", "project__title")
    readonly_fields = ("status", "opened_at", "closed_at", "closed_by")
    inlines = [PresentationInline]
    actions = ["open_meetings", "close_meetings"]

    @admin.action(description=_("選択した報告会の評価受付を開始"))
    def open_meetings(self, request, queryset):
        for meeting in queryset:
            try:
                services.meeting_open(meeting=meeting, by=request.user)
            except EvaluationError as error:
                self.message_user(request, f"{meeting}: {error}", messages.ERROR)

    @admin.action(description=_("選択した報告会の評価を締め切る"))
    def close_meetings(self, request, queryset):
        for meeting in queryset:
            try:
                services.meeting_close(meeting=meeting, by=request.user, request=request)
            except EvaluationError as error:
                self.message_user(request, f"{meeting}: {error}", messages.ERROR)


@admin.register(LeadershipWindow)
class LeadershipWindowAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    list_display = ("project", "closes_on", "status", "closed_at", "closed_by")
    list_filter = ("status",)
    list_select_related = ("project", "closed_by")
    readonly_fields = ("status", "opened_at", "closed_at", "closed_by")
    actions = ["close_windows"]

    @admin.action(description=_("選択したリーダーシップ評価を締め切る"))
    def close_windows(self, request, queryset):
        for window in queryset:
            try:
                services.window_close(window=window, by=request.user, request=request)
            except EvaluationError as error:
                self.message_user(request, f"{window}: {error}", messages.ERROR)


@admin.register(LeadershipInvitation)
class LeadershipInvitationAdmin(SafeActionsMixin, admin.ModelAdmin):
    list_display = ("team", "user", "invited_by", "created_at")
    list_select_related = ("team", "user", "invited_by")
    search_fields = ("team__name", "user__last_name", "user__employee_number")

    def has_add_permission(self, request):
        return False  # invitations go through services.invitation_add (department check)

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SafeActionsMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "perspective", "evaluator", "presentation", "team", "score", "updated_at")
    list_filter = ("perspective", "rubric__fiscal_year")
    list_select_related = ("evaluator", "presentation", "team")
    search_fields = ("evaluator__last_name", "evaluator__employee_number", "team__name")


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("user", "key", "sent_at")
    list_select_related = ("user",)
    search_fields = ("key", "user__employee_number", "user__email")
