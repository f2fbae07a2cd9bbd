import json
import secrets

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .audit import audit_record
from .exceptions import RosterFileError
from .exports import csv_response
from .forms import RosterImportForm
from .models import AuditAction, AuditEntry, Department, User
from .permissions import is_hr_admin
from .roles import ADMIN_ROLES
from .services import RosterRow, read_roster_file, roster_import

ROSTER_SESSION_KEY = "roster_import_preview"

# The admin login goes through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("真岡市 DX人材ポータル 管理")
admin.site.site_title = _("DX人材ポータル 管理")
admin.site.index_title = _("管理メニュー")


def _admin_has_permission(request):
    """HR admins and organisers reach the admin by their role, not a hand-set flag."""
    user = request.user
    return user.is_active and (user.is_staff or any(user.has_role(r.value) for r in ADMIN_ROLES))


admin.site.has_permission = _admin_has_permission


class SafeActionsMixin:
    """Refuse, with a message, an admin action whose selected ids are not ids of the model.

    Django's `response_action` filters `pk__in` with whatever was posted, and a forged
    value (``"abc"``) raises while the action runs: a 500 instead of a refusal."""

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
                pk.get_prep_value(pk.to_python(value))
        except (ValidationError, TypeError, ValueError):
            self.message_user(request, gettext("選択した項目が正しくありません。"), messages.ERROR)
            return None
        return super().response_action(request, queryset)


@admin.register(Department)
class DepartmentAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(User)
class UserAdmin(SafeActionsMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    ordering = ("last_name_kana", "first_name_kana", "employee_number")
    list_display = (
        "employee_number",
        "full_name",
        "full_name_kana",
        "department",
        "grade",
        "affiliation",
        "is_active",
    )
    list_filter = ("department", "grade", "groups", "is_active")
    list_select_related = ("department",)
    search_fields = (
        "employee_number",
        "last_name",
        "first_name",
        "last_name_kana",
        "first_name_kana",
        "email",
    )
    autocomplete_fields = ("department",)
    fieldsets = (
        (None, {"fields": ("employee_number", "email", "password")}),
        (
            _("氏名"),
            {"fields": (("last_name", "first_name"), ("last_name_kana", "first_name_kana"))},
        ),
        (_("所属"), {"fields": ("department", "grade", "affiliation")}),
        (_("役割と権限"), {"fields": ("is_active", "local_login_allowed", "groups", "is_staff", "is_superuser")}),
        (_("日時"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "employee_number",
                    "email",
                    "last_name",
                    "first_name",
                    "last_name_kana",
                    "first_name_kana",
                    "department",
                    "grade",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    change_list_template = "admin/accounts/user/change_list.html"

    def get_urls(self):
        return [
            path(
                "roster-import/",
                self.admin_site.admin_view(self.roster_import_view),
                name="accounts_user_roster_import",
            ),
            *super().get_urls(),
        ]

    def roster_import_view(self, request):
        """Upload → preview (a dry run, nothing written) → confirm (the same rows, applied).

        The validated rows wait in the session under a one-time token between the two
        steps, so what is confirmed is exactly what was previewed; the service validates
        them again inside its transaction.
        """
        if not (is_hr_admin(request.user) or request.user.is_superuser):
            raise PermissionDenied
        form = RosterImportForm()
        result = token = None
        full_roster = False
        if request.method == "POST" and request.POST.get("action") == "confirm":
            stored = request.session.pop(ROSTER_SESSION_KEY, None)
            if not stored or stored.get("token") != request.POST.get("token"):
                messages.error(
                    request,
                    gettext("取込の内容が見つかりません。もう一度ファイルを選んでください。"),
                )
            else:
                rows = [RosterRow(line=line, values=values) for line, values in stored["rows"]]
                result = roster_import(
                    rows=rows,
                    full_roster=stored["full_roster"],
                    dry_run=False,
                    by=request.user,
                    request=request,
                )
                if result.applied:
                    messages.success(
                        request,
                        gettext(
                            "職員名簿を取り込みました（追加 %(created)s 人、更新 %(updated)s 人、"
                            "変更なし %(unchanged)s 人、無効化 %(deactivated)s 人）。"
                        )
                        % {
                            "created": len(result.created),
                            "updated": len(result.updated),
                            "unchanged": result.unchanged,
                            "deactivated": len(result.deactivated),
                        },
                    )
                    return redirect("admin:accounts_user_changelist")
                messages.error(request, gettext("取り込めない行があるため、何も変更していません。"))
        elif request.method == "POST":
            form = RosterImportForm(request.POST, request.FILES)
            if form.is_valid():
                full_roster = form.cleaned_data["full_roster"]
                upload = form.cleaned_data["file"]
                try:
                    rows = read_roster_file(content=upload.read(), filename=upload.name)
                except RosterFileError as error:
                    messages.error(request, str(error))
                else:
                    result = roster_import(
                        rows=rows, full_roster=full_roster, dry_run=True, by=request.user
                    )
                    if result.ok:
                        token = secrets.token_urlsafe(16)
                        request.session[ROSTER_SESSION_KEY] = {
                            "token": token,
                            "full_roster": full_roster,
                            "rows": [(r.line, r.values) for r in rows],
                        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("職員名簿の取込"),
            "form": form,
            "result": result,
            "token": token,
            "full_roster": full_roster,
        }
        return TemplateResponse(request, "admin/accounts/user/roster_import.html", context)

    @admin.display(description=_("氏名"), ordering="last_name_kana")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("フリガナ"), ordering="last_name_kana")
    def full_name_kana(self, obj):
        return obj.full_name_kana


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
