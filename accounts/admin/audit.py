"""The 操作ログ in the admin: read-only, HR only, filters and a CSV export."""

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponseNotAllowed
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..audit import audit_record
from ..exports import csv_response
from ..models import AuditAction, AuditEntry, User
from ..permissions import (
    is_hr_admin,
)


class AuditActorFilter(admin.SimpleListFilter):
    """操作者: only the people who appear in the log (a few HR admins and organisers)."""

    title = _("操作者")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        actors = User.objects.filter(
            pk__in=AuditEntry.objects.filter(actor__isnull=False).values("actor")
        ).order_by("last_name_kana", "first_name_kana", "employee_number")
        return [
            ("system", gettext("システム（自動処理）")),
            *((str(u.pk), f"{u.full_name or u} ({u.employee_number or u.email})") for u in actors),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "system":
            return queryset.filter(actor__isnull=True)
        if value and value.isdigit():
            return queryset.filter(actor_id=int(value))
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """操作ログ: HR reads it here. Nobody adds, changes or deletes an entry."""

    list_display = ("at", "actor_display", "ip_address", "action", "target_display")
    list_filter = (AuditActorFilter, "action", ("at", admin.DateFieldListFilter))
    date_hierarchy = "at"
    search_fields = (
        "actor_login",
        "actor__last_name",
        "actor__first_name",
        "actor__last_name_kana",
        "actor__first_name_kana",
        "target_repr",
        "ip_address",
    )
    list_select_related = ("actor", "target_type")
    list_per_page = 100
    fields = (
        "at",
        "actor",
        "actor_login",
        "ip_address",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "detail_display",
    )
    readonly_fields = fields
    change_list_template = "admin/accounts/auditentry/change_list.html"
    CSV_HEADER = (
        "日時",
        "操作者のログインID",
        "操作者",
        "接続元アドレス",
        "操作",
        "対象の種類",
        "対象ID",
        "対象",
        "詳細",
    )

    def _can_read(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or is_hr_admin(user))

    def has_module_permission(self, request):
        return self._can_read(request)

    def has_view_permission(self, request, obj=None):
        return self._can_read(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_csv_view),
                name="accounts_auditentry_export",
            ),
            *super().get_urls(),
        ]

    def export_csv_view(self, request):
        """The entries the changelist shows with the same filters and search, as CSV.
        The export itself is an operation worth recording."""
        if not self._can_read(request):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        changelist = self.get_changelist_instance(request)
        entries = changelist.get_queryset(request).select_related("actor", "target_type")
        rows = [
            (
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_login,
                e.actor.full_name if e.actor else gettext("システム"),
                e.ip_address or "",
                e.get_action_display(),
                e.target_type.model if e.target_type else "",
                e.target_id,
                e.target_repr,
                json.dumps(e.detail, ensure_ascii=False, cls=DjangoJSONEncoder),
            )
            for e in entries.iterator(chunk_size=2000)
        ]
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            request=request,
            detail={"what": "audit_log", "rows": len(rows), "filters": dict(request.GET)},
        )
        filename = f"audit-log-{timezone.localdate():%Y%m%d}.csv"
        return csv_response(header=list(self.CSV_HEADER), rows=rows, filename=filename)

    @admin.display(description=_("操作者"), ordering="actor_login")
    def actor_display(self, obj):
        if obj.actor is None:
            return gettext("システム（自動処理）")
        return f"{obj.actor.full_name or obj.actor} ({obj.actor_login})"

    @admin.display(description=_("対象"), ordering="target_repr")
    def target_display(self, obj):
        return obj.target_repr or "—"

    @admin.display(description=_("詳細"))
    def detail_display(self, obj):
        return json.dumps(obj.detail, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
