"""The evaluations admin is for browsing, searching and reading history.

Nothing about a rubric, meeting, presentation, window, invitation or evaluation is added,
changed or deleted here: the organiser's pages call `evaluations.services` with their
guards (open/closed, file checks, departments). The admin offers only what goes through a
service: opening and closing (organisers, as actions) and HR's explicit, reasoned reopening
of a closed meeting or window (`<pk>/reopen/`). Individual evaluations of a team the
reader belongs to are not listed (separation of duties)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyHistoryAdmin,
    ReadOnlyInline,
    SafeActionsMixin,
)
from accounts.validators import NoNulFormMixin

from . import permissions, services
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


class ReadOnlyAdmin(SafeActionsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReopenForm(NoNulFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("再開の理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("必須です。操作ログに記録されます。"),
    )


class ReopenMixin:
    """`<pk>/reopen/`: HR's reasoned reopening of a closed meeting or window, through
    the service named by `reopen_service` (which checks, logs and queues a recompute)."""

    reopen_service = ""
    reopen_kwarg = ""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:pk>/reopen/",
                self.admin_site.admin_view(self.reopen_view),
                name="{}_{}_reopen".format(*info),
            ),
            *super().get_urls(),
        ]

    def reopen_team_ids(self, obj) -> list[int]:
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        may = obj is not None and permissions.can_reopen(
            request.user, team_ids=self.reopen_team_ids(obj)
        )
        extra_context = {**(extra_context or {}), "can_reopen": may}
        return super().change_view(request, object_id, form_url, extra_context)

    def reopen_view(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        if not permissions.can_reopen(request.user, team_ids=self.reopen_team_ids(obj)):
            raise PermissionDenied
        form = ReopenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            service = getattr(services, self.reopen_service)
            try:
                service(
                    **{self.reopen_kwarg: obj},
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except EvaluationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, gettext("「%(name)s」を再開しました。") % {"name": obj})
                info = self.opts.app_label, self.opts.model_name
                return redirect("admin:{}_{}_change".format(*info), obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": gettext("締切済みの「%(name)s」を再開") % {"name": obj},
            "form": form,
        }
        return TemplateResponse(request, "admin/evaluations/reopen.html", context)


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ("order", "label_ja", "label_en", "description", "weight", "point_labels")


@admin.register(Rubric)
class RubricAdmin(ReadOnlyHistoryAdmin):
    """Rubrics are edited on the organiser's page (`services.criterion_*`), which keeps a
    used rubric's criteria frozen."""

    list_display = ("fiscal_year", "perspective", "created_at")
    list_filter = ("fiscal_year", "perspective")
    inlines = [CriterionInline]


class PresentationInline(ReadOnlyInline):
    model = Presentation
    fields = ("order", "team", "title", "materials")


def _run_each(modeladmin, request, queryset, service, *, arg, **extra):
    for obj in queryset:
        try:
            service(**{arg: obj}, by=request.user, **extra)
        except EvaluationError as error:
            modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)


@admin.register(ReportMeeting)
class ReportMeetingAdmin(ReopenMixin, ReadOnlyHistoryAdmin):
    list_display = ("title", "project", "held_on", "status", "closed_at", "closed_by")
    list_filter = ("status", "project__fiscal_year")
    list_select_related = ("project", "closed_by")
    search_fields = ("title", "project__title")
    inlines = [PresentationInline]
    actions = ["open_meetings", "close_meetings"]
    reopen_service = "meeting_reopen"
    reopen_kwarg = "meeting"
    change_form_template = "admin/evaluations/closable_change_form.html"

    def has_run_meetings_permission(self, request):
        return permissions.can_run_meetings(request.user)

    def reopen_team_ids(self, obj):
        return list(obj.presentations.values_list("team_id", flat=True))

    @admin.action(description=_("選択した報告会の評価受付を開始"), permissions=["run_meetings"])
    def open_meetings(self, request, queryset):
        _run_each(self, request, queryset, services.meeting_open, arg="meeting")

    @admin.action(description=_("選択した報告会の評価を締め切る"), permissions=["run_meetings"])
    def close_meetings(self, request, queryset):
        _run_each(self, request, queryset, services.meeting_close, arg="meeting", request=request)


@admin.register(LeadershipWindow)
class LeadershipWindowAdmin(ReopenMixin, ReadOnlyHistoryAdmin):
    list_display = ("project", "closes_on", "status", "closed_at", "closed_by")
    list_filter = ("status",)
    list_select_related = ("project", "closed_by")
    actions = ["close_windows"]
    reopen_service = "window_reopen"
    reopen_kwarg = "window"
    change_form_template = "admin/evaluations/closable_change_form.html"

    def has_run_meetings_permission(self, request):
        return permissions.can_run_meetings(request.user)

    def reopen_team_ids(self, obj):
        return list(obj.project.teams.values_list("pk", flat=True))

    @admin.action(
        description=_("選択したリーダーシップ評価を締め切る"), permissions=["run_meetings"]
    )
    def close_windows(self, request, queryset):
        _run_each(self, request, queryset, services.window_close, arg="window", request=request)


@admin.register(LeadershipInvitation)
class LeadershipInvitationAdmin(ReadOnlyAdmin):
    """Invitations go through `services.invitation_add` (department check) on the
    organiser's page."""

    list_display = ("team", "user", "invited_by", "created_at")
    list_select_related = ("team", "user", "invited_by")
    search_fields = ("team__name", "user__last_name", "user__employee_number")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "perspective", "evaluator", "presentation", "team", "score", "updated_at")
    list_filter = ("perspective", "rubric__fiscal_year")
    list_select_related = ("evaluator", "presentation", "team")
    search_fields = ("evaluator__last_name", "evaluator__employee_number", "team__name")

    def get_queryset(self, request):
        """A reader never sees, one by one, the evaluations of a team they belong to:
        a leading organiser would otherwise learn who gave which leadership score."""
        own = permissions.own_team_ids(request.user)
        queryset = super().get_queryset(request)
        if not own:
            return queryset
        return queryset.exclude(Q(team_id__in=own) | Q(presentation__team_id__in=own))


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("user", "key", "sent_at")
    list_select_related = ("user",)
    search_fields = ("key", "user__employee_number", "user__email")
