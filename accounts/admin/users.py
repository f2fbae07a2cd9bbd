"""Staff and departments in the admin, the roster import, roles through `user_roles_set`."""

import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..exceptions import RoleGrantRefused, RosterFileError
from ..forms import RosterImportForm
from ..models import Department, User
from ..permissions import (
    can_edit_account,
    can_grant_role,
    can_set_admin_flags,
    is_hr_admin,
)
from ..roles import Role, role_label
from ..services import RosterRow, read_roster_file, roster_import, user_roles_set
from ..validators import EMPTY_CHOICE_LABEL
from .mixins import RevertGuardMixin, SafeActionsMixin

ROSTER_SESSION_KEY = "roster_import_preview"


class RoleFilter(admin.SimpleListFilter):
    """Filter staff by role, named as HR names them (not by the group's code)."""

    title = _("役割")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value()).distinct()
        return queryset


@admin.register(Department)
class DepartmentAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(User)
class UserAdmin(SafeActionsMixin, RevertGuardMixin, SimpleHistoryAdmin, DjangoUserAdmin):
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
    list_filter = ("department", "grade", RoleFilter, "is_active")
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
        (
            _("役割と権限"),
            {"fields": ("is_active", "local_login_allowed", "groups", "is_staff", "is_superuser")},
        ),
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
    filter_horizontal = ()
    change_list_template = "admin/accounts/user/change_list.html"

    # Separation of duties (issue #9, finding 5): HR edits people, departments and the
    # everyday roles; スーパーユーザー権限, スタッフ権限 and the roles that reach the admin are
    # a superuser's. Roles change only through `services.user_roles_set` (audit log).
    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not can_set_admin_flags(request.user):
            fields += ("is_staff", "is_superuser")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # 「選択してください」, not Django's 「---------」 (accounts.validators).
        kwargs.setdefault("empty_label", EMPTY_CHOICE_LABEL)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_account(request.user, obj))

    def has_change_history_permission(self, request, obj=None):
        # Reverting to a history row would restore its flags and roles past the checks.
        return can_set_admin_flags(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "groups" not in form.base_fields:
            return form
        by = request.user

        class RoleCheckedForm(form):
            def clean_groups(self):
                groups = self.cleaned_data["groups"]
                before = set(self.instance.groups.values_list("name", flat=True))
                after = {group.name for group in groups}
                if any(not can_grant_role(by, name) for name in before ^ after):
                    raise ValidationError(
                        gettext(
                            "人事担当・DX推進担当の役割の付与と解除は、"
                            "スーパーユーザーのみが行えます。"
                        )
                    )
                return groups

        return RoleCheckedForm

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is not None:
            try:
                user_roles_set(user=form.instance, groups=groups, by=request.user, request=request)
            except RoleGrantRefused as error:  # the form checked it; a race ends here
                raise PermissionDenied(str(error)) from error

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

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # Roles by their Japanese names, as check boxes (five roles, no search needed).
            kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label = _("役割")
            field.label_from_instance = lambda group: role_label(group.name)
            field.help_text = _("役割ごとに使える画面が決まります。")
        return field

    @admin.display(description=_("氏名"), ordering="last_name_kana")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("フリガナ"), ordering="last_name_kana")
    def full_name_kana(self, obj):
        return obj.full_name_kana
