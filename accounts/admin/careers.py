"""A person's career in the admin (issue #14): the department history and name changes
as read-only lists (on the person's page and on their own), and HR's 「氏名の変更を記録」
page, which calls `careers.name_change_record`. Transfers are made on the person's page:
a changed 所属 with its 異動日 calls `careers.transfer` (see `users.PersonChangeForm`)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..exceptions import CareerChangeRefused
from ..models import DepartmentAssignment, NameChange, User
from ..permissions import can_edit_account, is_hr_admin
from ..services.careers import name_change_record
from ..validators import NoNulFormMixin
from .mixins import ReadOnlyHistoryAdmin, ReadOnlyInline


class NameChangeForm(NoNulFormMixin, forms.Form):
    last_name = forms.CharField(label=_("新しい姓（戸籍上）"), max_length=50)
    first_name = forms.CharField(label=_("新しい名（戸籍上）"), max_length=50)
    last_name_kana = forms.CharField(label=_("新しいセイ"), max_length=50)
    first_name_kana = forms.CharField(label=_("新しいメイ"), max_length=50)
    changed_on = forms.DateField(label=_("変更日"), widget=forms.DateInput(attrs={"type": "date"}))
    uses_maiden_name_at_work = forms.BooleanField(
        label=_("職場で旧姓を使用する"),
        required=False,
        help_text=_(
            "チェックすると、ポータルの表示・並び順・認定証は今の氏名（旧姓）のままにし、"
            "戸籍上の氏名は記録だけします。"
        ),
    )


class DepartmentAssignmentInline(ReadOnlyInline):
    model = DepartmentAssignment
    fk_name = "user"
    fields = ("department", "starts_on", "ends_on")
    verbose_name_plural = _("所属の履歴（人事異動）")


class NameChangeInline(ReadOnlyInline):
    model = NameChange
    fk_name = "user"
    fields = ("changed_on", "old_display", "new_display", "uses_maiden_name_at_work")
    verbose_name_plural = _("氏名の変更")

    @admin.display(description=_("変更前の氏名"))
    def old_display(self, obj):
        return f"{obj.old_name}（{obj.old_last_name_kana} {obj.old_first_name_kana}）"

    @admin.display(description=_("新しい氏名（戸籍上）"))
    def new_display(self, obj):
        return f"{obj.new_name}（{obj.new_last_name_kana} {obj.new_first_name_kana}）"


class CareerAdminMixin:
    """Mixed into the person's admin: the history inlines, the name-change page and a
    link to it on the change form."""

    inlines = (DepartmentAssignmentInline, NameChangeInline)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def career_urls(self):
        return [
            path(
                "<int:object_id>/name-change/",
                self.admin_site.admin_view(self.name_change_view),
                name="accounts_user_name_change",
            )
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if str(object_id).isdigit():
            extra_context["name_change_url"] = reverse(
                "admin:accounts_user_name_change", args=[object_id]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("氏名の変更"))
    def name_change_link(self, obj):
        url = reverse("admin:accounts_user_name_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("氏名の変更を記録"))

    def name_change_view(self, request, object_id):
        """HR records a new legal name, its date and whether the 旧姓 stays in use."""
        if not (is_hr_admin(request.user) or request.user.is_superuser):
            raise PermissionDenied
        person = get_object_or_404(User, pk=object_id)
        if not can_edit_account(request.user, person):
            raise PermissionDenied
        form = NameChangeForm(initial={"changed_on": timezone.localdate()})
        if request.method == "POST":
            form = NameChangeForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    name_change_record(
                        user=person,
                        changed_on=data["changed_on"],
                        uses_maiden_name_at_work=data["uses_maiden_name_at_work"],
                        by=request.user,
                        request=request,
                        last_name=data["last_name"],
                        first_name=data["first_name"],
                        last_name_kana=data["last_name_kana"],
                        first_name_kana=data["first_name_kana"],
                    )
                except CareerChangeRefused as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(
                        request,
                        gettext(
                            "氏名の変更を記録しました。認定証の再発行は「認定」の一覧で"
                            "対象を選び「認定証を再発行」を実行してください。"
                        ),
                    )
                    return redirect("admin:accounts_user_change", person.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("氏名の変更を記録"),
            "person": person,
            "form": form,
            "changes": list(person.name_changes.order_by("changed_on", "pk")),
        }
        return TemplateResponse(request, "admin/accounts/user/name_change.html", context)


@admin.register(DepartmentAssignment)
class DepartmentAssignmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "department", "starts_on", "ends_on")
    list_select_related = ("user", "department")
    search_fields = ("user__employee_number", "user__last_name", "user__last_name_kana")
    list_filter = ("department",)
    date_hierarchy = "starts_on"


@admin.register(NameChange)
class NameChangeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "changed_on", "old_name", "new_name", "uses_maiden_name_at_work")
    list_select_related = ("user",)
    search_fields = (
        "user__employee_number",
        "old_last_name",
        "new_last_name",
        "old_last_name_kana",
        "new_last_name_kana",
    )

    @admin.display(description=_("変更前の氏名"))
    def old_name(self, obj):
        return obj.old_name

    @admin.display(description=_("新しい氏名（戸籍上）"))
    def new_name(self, obj):
        return obj.new_name
