from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, User
from .roles import ADMIN_ROLES

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


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
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
        (_("役割と権限"), {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
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

    @admin.display(description=_("氏名"), ordering="last_name_kana")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("フリガナ"), ordering="last_name_kana")
    def full_name_kana(self, obj):
        return obj.full_name_kana
