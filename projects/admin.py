"""The projects admin is for browsing, searching and reading history only.

Every write to a project, team, membership, worksheet, effect, workshop or attendance goes
through the organiser's or the team's pages, which call `projects.services` with their
guards (recruitment window, grade, capacity, one team per project, fixed 年度). Nothing is
added, changed or deleted here (issue #9: the admin was a way around those guards)."""

from django.contrib import admin

from accounts.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyHistoryAdmin,
    ReadOnlyInline,
    SafeActionsMixin,
)

from .consent_models import HeadConsent
from .models import (
    ActivityLog,
    Attendance,
    HoursNotice,
    LeaderTerm,
    MeasuredEffect,
    Membership,
    MembershipLeave,
    Project,
    Team,
    Worksheet,
    Workshop,
)


@admin.register(Project)
class ProjectAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "title",
        "fiscal_year",
        "status",
        "recruitment_starts_on",
        "recruitment_ends_on",
        "max_grade",
    )
    list_filter = ("fiscal_year", "status")
    search_fields = ("title", "description")
    list_select_related = ("created_by",)


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ("user", "role", "status", "applied_at", "decided_at", "withdrawn_at", "ended_on")


@admin.register(Team)
class TeamAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "project", "theme", "status", "member_count", "max_size")
    list_filter = ("status", "project__fiscal_year")
    search_fields = ("name", "theme", "project__title")
    list_select_related = ("project", "target_department")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "team", "project", "role", "status", "applied_at", "decided_at")
    list_filter = ("status", "role", "project__fiscal_year")
    search_fields = (
        "user__employee_number",
        "user__last_name",
        "user__first_name",
        "user__last_name_kana",
        "team__name",
    )
    list_select_related = ("user", "team", "project")


class MeasuredEffectInline(ReadOnlyInline):
    model = MeasuredEffect


@admin.register(Worksheet)
class WorksheetAdmin(ReadOnlyHistoryAdmin):
    list_display = ("team", "updated_by", "updated_at")
    list_filter = ("team__project__fiscal_year",)
    search_fields = ("team__name", "team__theme", "problem")
    list_select_related = ("team", "updated_by")
    inlines = [MeasuredEffectInline]


@admin.register(MeasuredEffect)
class MeasuredEffectAdmin(ReadOnlyHistoryAdmin):
    list_display = ("label", "worksheet", "before", "after", "unit")
    list_filter = ("unit", "worksheet__team__project__fiscal_year")
    search_fields = ("label", "worksheet__team__name")
    list_select_related = ("worksheet__team",)


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ("user", "attended", "recorded_by", "recorded_at")


@admin.register(Workshop)
class WorkshopAdmin(SafeActionsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("held_on", "topic", "hours", "project")
    list_filter = ("project__fiscal_year",)
    search_fields = ("topic", "project__title")
    list_select_related = ("project",)
    inlines = [AttendanceInline]


@admin.register(MembershipLeave)
class MembershipLeaveAdmin(ReadOnlyHistoryAdmin):
    """Leaves (休止) are recorded on the organiser's team page (`membership_leave_add`)."""

    list_display = ("membership", "kind", "starts_on", "ends_on", "recorded_by")
    list_filter = ("kind", "membership__project__fiscal_year")
    search_fields = ("membership__user__last_name", "membership__team__name")
    list_select_related = ("membership__user", "membership__team", "recorded_by")


@admin.register(LeaderTerm)
class LeaderTermAdmin(ReadOnlyHistoryAdmin):
    """Leader terms are written by `leader_change` on the organiser's team page."""

    list_display = ("team", "user", "starts_on", "ends_on", "recorded_by")
    list_filter = ("team__project__fiscal_year",)
    search_fields = ("team__name", "user__last_name")
    list_select_related = ("team", "user", "recorded_by")


@admin.register(HeadConsent)
class HeadConsentAdmin(ReadOnlyHistoryAdmin):
    """所属長の承認 (issue 12): read-only; heads decide on their page (services)."""

    list_display = ("membership", "decision", "decided_by", "decided_at", "requested_at")
    list_filter = ("decision", "membership__project__fiscal_year")
    search_fields = (
        "membership__user__employee_number",
        "membership__user__last_name",
        "membership__team__name",
    )
    list_select_related = ("membership__user", "membership__team", "decided_by")


# --- activity hours (issue 12): entries are written by their author on the hours page ---


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyHistoryAdmin):
    list_display = ("worked_on", "user", "team", "project", "hours", "note")
    list_filter = ("project__fiscal_year",)
    search_fields = ("user__employee_number", "user__last_name", "team__name", "note")
    list_select_related = ("user", "team", "project")
    date_hierarchy = "worked_on"


@admin.register(HoursNotice)
class HoursNoticeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("week_starts_on", "user", "project", "hours", "cap", "sent_at")
    list_filter = ("project__fiscal_year",)
    search_fields = ("user__employee_number", "user__last_name")
    list_select_related = ("user", "project")
