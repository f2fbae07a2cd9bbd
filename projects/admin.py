"""A thin admin: browsing, searching and history. Workflow changes (approvals, state
transitions) go through the organiser pages, which call the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import SafeActionsMixin

from .models import Attendance, MeasuredEffect, Membership, Project, Team, Worksheet, Workshop


@admin.register(Project)
class ProjectAdmin(SafeActionsMixin, SimpleHistoryAdmin):
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
    readonly_fields = ("created_by", "created_at", "updated_at")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "status", "applied_at", "decided_at", "withdrawn_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    list_display = ("name", "project", "theme", "status", "member_count", "max_size")
    list_filter = ("status", "project__fiscal_year")
    search_fields = ("name", "theme", "project__title")
    list_select_related = ("project", "target_department")
    readonly_fields = ("member_count",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SafeActionsMixin, SimpleHistoryAdmin):
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
    readonly_fields = ("applied_at", "decided_at", "withdrawn_at")


class MeasuredEffectInline(admin.TabularInline):
    model = MeasuredEffect
    extra = 0


@admin.register(Worksheet)
class WorksheetAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    list_display = ("team", "updated_by", "updated_at")
    list_filter = ("team__project__fiscal_year",)
    search_fields = ("team__name", "team__theme", "problem")
    list_select_related = ("team", "updated_by")
    readonly_fields = ("updated_by", "updated_at")
    inlines = [MeasuredEffectInline]


@admin.register(MeasuredEffect)
class MeasuredEffectAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    list_display = ("label", "worksheet", "before", "after", "unit")
    list_filter = ("unit", "worksheet__team__project__fiscal_year")
    search_fields = ("label", "worksheet__team__name")
    list_select_related = ("worksheet__team",)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ("user", "attended", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")
    autocomplete_fields = ("user",)


@admin.register(Workshop)
class WorkshopAdmin(SafeActionsMixin, admin.ModelAdmin):
    list_display = ("held_on", "topic", "hours", "project")
    list_filter = ("project__fiscal_year",)
    search_fields = ("topic", "project__title")
    list_select_related = ("project",)
    inlines = [AttendanceInline]
