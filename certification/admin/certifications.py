"""HR's admin for certifications and rule sets. Thin: lists, filters, search, readable
evidence and history; every change goes through `certification.services` with a reason.

Certifications are never edited field by field here: the change form is read-only, and
grant / revoke / resolve / recompute are actions or small admin views with their own form.
Grants and revocations are proposals (認定決裁, see `.decisions`): nothing is published or
taken away until another decision.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import SafeActionsMixin
from accounts.fiscal import fiscal_year_label
from accounts.forms import FiscalYearChoiceField

from .. import permissions, services
from ..exceptions import CertificationError
from ..models import Certification, RuleSet
from ..pdf import certificate_number
from .evidence import FiscalYearFilter, evidence_table
from .exports import CertificationExportsMixin
from .forms import GrantForm, ReasonForm, ResolveFlagForm
from .reissue import ReissueActionMixin
from .requirements import RuleSetForm


@admin.register(Certification)
class CertificationAdmin(
    ReissueActionMixin, SafeActionsMixin, CertificationExportsMixin, SimpleHistoryAdmin
):
    list_display = (
        "person",
        "employee_number",
        "department",
        "level",
        "year",
        "status",
        "source",
    )
    list_filter = (
        "level",
        FiscalYearFilter,
        "status",
        "source",
        ("user__department", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "user__last_name",
        "user__first_name",
        "user__last_name_kana",
        "user__first_name_kana",
        "user__employee_number",
    )
    list_select_related = ("user", "user__department")
    list_per_page = 100
    ordering = ("user__last_name_kana", "user__first_name_kana", "level")
    history_list_display = ["status", "source"]
    actions = ["revoke_action", "resolve_flag_action", "recompute_action", "reissue_action"]
    change_list_template = "admin/certification/certification/change_list.html"
    fields = (
        "user",
        "department_then",
        "level",
        "fiscal_year",
        "status",
        "source",
        "evidence_display",
        "reason",
        "flag_reason",
        "certificate",
        "decided_on",
        "decision_number",
        "created_at",
        "updated_at",
        "revoked_at",
        "changed_by",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ["css/certification.css"]}

    # Display -------------------------------------------------------------------------
    @admin.display(description=gettext_lazy("氏名"), ordering="user__last_name_kana")
    def person(self, obj):
        return format_html(
            '{}<br><span class="quiet">{}</span>', obj.user.full_name, obj.user.full_name_kana
        )

    @admin.display(description=gettext_lazy("職員番号"), ordering="user__employee_number")
    def employee_number(self, obj):
        return obj.user.employee_number or "—"

    @admin.display(description=gettext_lazy("所属"), ordering="user__department__code")
    def department(self, obj):
        return obj.user.department or "—"

    @admin.display(description=gettext_lazy("認定年度"), ordering="fiscal_year")
    def year(self, obj):
        return fiscal_year_label(obj.fiscal_year)

    @admin.display(description=gettext_lazy("根拠"))
    def evidence_display(self, obj):
        return evidence_table(obj.evidence)

    @admin.display(description=gettext_lazy("認定証"))
    def certificate(self, obj):
        return format_html(
            '{} — <a href="{}">{}</a> / <a href="{}">{}</a>',
            certificate_number(obj),
            reverse("certification:certificate_pdf", kwargs={"public_id": obj.public_id}),
            _("PDF"),
            reverse("certification:verify", kwargs={"public_id": obj.public_id}),
            _("公開確認ページ"),
        )

    # Permissions: the form is read-only; changes go through actions and services. ------
    def has_add_permission(self, request):
        """「追加」 is the grant proposal: HR admins only (organisers only view)."""
        return permissions.can_decide_certifications(request.user) and super().has_add_permission(
            request
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_history_permission(self, request, obj=None):
        return False  # no "revert" from history: it would bypass reasons and services

    def save_model(self, request, obj, form, change):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        if request.method == "POST":
            raise PermissionDenied
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        """「追加」 is the manual grant, through the service."""
        return self.grant_view(request)

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("grant/", wrap(self.grant_view), name=f"{prefix}_grant"),
            path("export.csv", wrap(self.export_csv), name=f"{prefix}_export_csv"),
            path("export.xlsx", wrap(self.export_xlsx), name=f"{prefix}_export_xlsx"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_grant": self.has_add_permission(request),
            "can_recompute": self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)

    # Grant (a proposal) ----------------------------------------------------------------
    def grant_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = GrantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                line = services.certification_grant_propose(
                    user=form.user,
                    level=form.cleaned_data["level"],
                    fiscal_year=form.cleaned_data["fiscal_year"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    request=request,
                )
            except CertificationError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s さんを%(level)sに認定する起案を作成しました。"
                        "決裁されると認定されます。"
                    )
                    % {"name": line.user.full_name, "level": line.get_level_display()},
                )
                return HttpResponseRedirect(
                    reverse("admin:certification_decisionbatch_change", args=[line.batch_id])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("認定の付与を起案"),
            "form": form,
        }
        return TemplateResponse(request, "admin/certification/certification/grant.html", context)

    # Actions -------------------------------------------------------------------------
    def _intermediate(self, request, queryset, *, action, title, form, template="reason"):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, f"admin/certification/certification/action_{template}.html", context
        )

    @admin.action(description=gettext_lazy("認定の取消を起案する"), permissions=["change"])
    def revoke_action(self, request, queryset):
        queryset = queryset.select_related("user")
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            done = 0
            for cert in queryset:
                try:
                    services.certification_revoke_propose(
                        certification=cert,
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                        request=request,
                    )
                    done += 1
                except CertificationError as error:
                    messages.error(request, f"{cert}: {error}")
            messages.success(
                request,
                _("%(n)d件の認定の取消を起案しました。決裁されると取り消されます。") % {"n": done},
            )
            return None
        return self._intermediate(
            request, queryset, action="revoke_action", title=_("認定の取消を起案する"), form=form
        )

    @admin.action(description=gettext_lazy("要確認の認定を処理する"), permissions=["change"])
    def resolve_flag_action(self, request, queryset):
        queryset = queryset.select_related("user").filter(status=Certification.Status.FLAGGED)
        if not queryset.exists():
            messages.warning(request, _("選択した中に要確認の認定はありません。"))
            return None
        form = ResolveFlagForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            done = 0
            for cert in queryset:
                try:
                    services.certification_resolve_flag(
                        certification=cert,
                        by=request.user,
                        keep=form.cleaned_data["decision"] == "keep",
                        reason=form.cleaned_data["reason"],
                        request=request,
                    )
                    done += 1
                except CertificationError as error:
                    messages.error(request, f"{cert}: {error}")
            messages.success(request, _("%(n)d件の要確認を処理しました。") % {"n": done})
            return None
        return self._intermediate(
            request,
            queryset,
            action="resolve_flag_action",
            title=_("要確認の認定を処理する"),
            form=form,
        )

    @admin.action(description=gettext_lazy("選択した職員を再計算する"), permissions=["change"])
    def recompute_action(self, request, queryset):
        """Queued like "recompute everyone" (never in the request): the people are marked
        stale first, so the nightly sweep catches up if the broker is down."""
        user_ids = sorted(set(queryset.values_list("user_id", flat=True)))
        run = services.recompute_run_start(by=request.user, user_ids=user_ids)
        messages.success(
            request, _("%(people)d人の再計算を開始しました。") % {"people": len(user_ids)}
        )
        return HttpResponseRedirect(
            reverse("admin:certification_recomputerun_progress", args=[run.pk])
        )


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    form = RuleSetForm
    list_display = (
        "fiscal_year",
        "year_label",
        "report_threshold",
        "leadership_threshold",
        "policy_weight",
        "technical_weight",
        "min_policy_raters",
        "min_technical_raters",
        "min_leadership_raters",
        "updated_at",
    )
    ordering = ("-fiscal_year",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "fiscal_year":
            return FiscalYearChoiceField(label=db_field.verbose_name, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("年度"))
    def year_label(self, obj):
        return fiscal_year_label(obj.fiscal_year)

    def has_delete_permission(self, request, obj=None):
        """Never offered for a year somebody was certified by (`ruleset_delete` refuses)."""
        if obj is not None and services.ruleset_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, through the service
        return actions

    def delete_model(self, request, obj):
        services.ruleset_delete(ruleset=obj, by=request.user)

    def save_model(self, request, obj, form, change):
        services.ruleset_save(ruleset=obj, by=request.user)
        messages.info(
            request,
            _(
                "認定基準を変更しました。既存の認定に反映するには「全員を再計算」を実行してください。"
            ),
        )
