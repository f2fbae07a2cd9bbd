"""The training admin: HR keeps the list of qualifications; everything else is read here.

Records are written only by the portal pages and `training.services` (staff register, the
organiser records attendance, HR verifies or returns at 研修・資格の確認). HR reads the
台帳 here by department, qualification, status and 年度, with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ReadOnlyHistoryAdmin, SafeActionsMixin
from accounts.admin.mixins import RevertGuardMixin

from .models import Course, CourseRecord, Qualification, QualificationRecord


@admin.register(Qualification)
class QualificationAdmin(SafeActionsMixin, RevertGuardMixin, SimpleHistoryAdmin):
    """HR extends the maintained list (ITパスポート, 基本情報技術者, …). A qualification
    someone registered is never deleted: untick 登録の受付 instead."""

    list_display = ("name", "name_en", "code", "sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "code")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_history_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "fiscal_year", "kind", "provider", "hours", "held_on", "code")
    list_filter = ("fiscal_year", "kind")
    search_fields = ("title", "provider", "code")


@admin.register(CourseRecord)
class CourseRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = ("person", "course", "completed_on", "status", "reviewed_by", "reviewed_at")
    list_filter = ("status", "course__fiscal_year", "course__kind", "person__department")
    search_fields = (
        "person__employee_number",
        "person__last_name",
        "person__first_name",
        "person__last_name_kana",
        "course__title",
    )
    list_select_related = ("person", "course", "reviewed_by")
    exclude = ("certificate",)


@admin.register(QualificationRecord)
class QualificationRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "person",
        "qualification",
        "obtained_on",
        "status",
        "reviewed_by",
        "reviewed_at",
    )
    list_filter = ("status", "qualification", "person__department")
    search_fields = (
        "person__employee_number",
        "person__last_name",
        "person__first_name",
        "person__last_name_kana",
        "qualification__name",
    )
    list_select_related = ("person", "qualification", "reviewed_by")
    exclude = ("certificate",)
