"""Staff and departments in the admin, the roster import, roles through `user_roles_set`."""

import datetime
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..exceptions import CareerChangeRefused, RoleGrantRefused, RosterFileError
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
from ..services.careers import transfer, transfer_check
from ..validators import EMPTY_CHOICE_LABEL
from .careers import CareerAdminMixin
from .mixins import RevertGuardMixin, SafeActionsMixin

ROSTER_SESSION_KEY = "roster_import_preview"


def _stored_date(text):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


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


class PersonChangeForm(UserChangeForm):
    """The change form with the 異動日 of a department change: a changed department is a
    transfer (`careers.transfer`), dated, never a silent overwrite (issue #14)."""

    transfer_on = forms.DateField(
        label=_("異動日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("所属を変えるときは異動日を入力してください（所属の履歴に残ります）。"),
    )

    def clean(self):
        cleaned = super().clean()
        department = cleaned.get("department")
        if self.instance.pk and "department" in self.changed_data:
            on = cleaned.get("transfer_on")
            if on is None:
                self.add_error(
                    "transfer_on", gettext("所属を変えるときは異動日を入力してください。")
                )
            elif department is None:
                self.add_error("department", gettext("異動先の所属を選んでください。"))
            else:
                original = User.objects.get(pk=self.instance.pk)
                try:
                    transfer_check(user=original, department=department, on=on)
                except CareerChangeRefused as error:
                    self.add_error("transfer_on", str(error))
        return cleaned


@admin.register(User)
class UserAdmin(
    CareerAdminMixin, SafeActionsMixin, RevertGuardMixin, SimpleHistoryAdmin, DjangoUserAdmin
):
    form = PersonChangeForm
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
        (_("所属"), {"fields": ("department", "transfer_on", "grade", "affiliation")}),
        (
            _("役割と権限"),
            {"fields": ("is_active", "local_login_allowed", "groups", "is_staff", "is_superuser")},
        ),
        (_("日時"), {"fields": ("last_login", "date_joined", "left_on", "anonymised_at")}),
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
    readonly_fields = ("last_login", "date_joined", "left_on", "anonymised_at")
    filter_horizontal = ()
    change_list_template = "admin/accounts/user/change_list.html"

    # Separation of duties (issue #9, finding 5): HR edits people, departments and the
    # everyday roles; スーパーユーザー権限, スタッフ権限 and the roles that reach the admin are
    # a superuser's. Roles change only through `services.user_roles_set` (audit log).
    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A name changes through 「氏名の変更を記録」 (dated, with the 旧姓 rule).
            fields += ("last_name", "first_name", "last_name_kana", "first_name_kana")
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

    def save_model(self, request, obj, form, change):
        moved_to = None
        if change and "department" in form.changed_data:
            moved_to = obj.department
            obj.department = User.objects.get(pk=obj.pk).department
        if change and "is_active" in form.changed_data:
            obj.left_on = None if obj.is_active else obj.left_on or timezone.localdate()
        super().save_model(request, obj, form, change)
        if moved_to is not None:
            try:
                transfer(
                    user=obj,
                    department=moved_to,
                    on=form.cleaned_data["transfer_on"],
                    by=request.user,
                    request=request,
                )
            except CareerChangeRefused as error:  # the form checked it; a race ends here
                messages.error(request, str(error))

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
            *self.career_urls(),
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
                    effective_on=_stored_date(stored.get("effective_on")),
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
                effective_on = form.cleaned_data.get("effective_on")
                upload = form.cleaned_data["file"]
                try:
                    rows = read_roster_file(content=upload.read(), filename=upload.name)
                except RosterFileError as error:
                    messages.error(request, str(error))
                else:
                    result = roster_import(
                        rows=rows,
                        full_roster=full_roster,
                        dry_run=True,
                        by=request.user,
                        effective_on=effective_on,
                    )
                    if result.ok:
                        token = secrets.token_urlsafe(16)
                        request.session[ROSTER_SESSION_KEY] = {
                            "token": token,
                            "full_roster": full_roster,
                            "effective_on": effective_on.isoformat() if effective_on else None,
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
