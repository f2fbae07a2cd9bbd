"""HR's admin for certifications. Thin: lists, filters, search, readable evidence and
history; every change goes through `certification.services` with a reason.

Certifications are never edited field by field here: the change form is read-only, and
grant / revoke / resolve / recompute are actions or small admin views with their own form.
"""

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import SafeActionsMixin
from accounts.audit import audit_record
from accounts.exports import private_no_store, safe_row
from accounts.fiscal import fiscal_year_label
from accounts.models import AuditAction, User
from accounts.validators import NoNulFormMixin

from . import evidence, selectors, services
from .exceptions import CertificationError
from .models import Certification, Level, RecomputeRun, RuleSet
from .pdf import certificate_number

# --- forms ----------------------------------------------------------------------------


class ReasonForm(NoNulFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("必須です。履歴に記録されます。"),
    )


class ResolveFlagForm(ReasonForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("判断"),
        choices=[
            ("keep", gettext_lazy("認定を維持する（人事担当による認定として扱います）")),
            ("revoke", gettext_lazy("認定を取り消す")),
        ],
        widget=forms.RadioSelect,
    )


class GrantForm(NoNulFormMixin, forms.Form):
    employee_number = forms.CharField(label=gettext_lazy("職員番号"), max_length=20)
    level = forms.TypedChoiceField(
        label=gettext_lazy("認定レベル"), choices=Level.choices, coerce=int
    )
    fiscal_year = forms.IntegerField(
        label=gettext_lazy("認定年度（西暦）"),
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("例: 令和6年度 → 2024"),
    )
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("必須です。履歴に記録されます。"),
    )

    def clean_employee_number(self):
        number = self.cleaned_data["employee_number"].strip()
        user = User.objects.filter(employee_number=number, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("この職員番号の職員が見つかりません。"))
        self.user = user
        return number

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("理由を入力してください。"))
        return reason


# --- evidence as a table -------------------------------------------------------------


def evidence_table(cert: Certification):
    """The evidence as an escaped HTML table: teams, scores (mean and raters), and the
    thresholds and weights of the rule set used."""
    data = cert.evidence or {}
    if data.get("manual"):
        return format_html("<p>{}</p>", evidence.summary(data))
    teams = evidence.evidence_teams(data)
    if not teams:
        return _("（根拠の記録はありません）")
    header = format_html_join(
        "",
        "<th>{}</th>",
        (
            (h,)
            for h in (
                _("年度"),
                _("チーム"),
                _("役割"),
                _("政策的観点（平均・人数）"),
                _("技術的観点（平均・人数）"),
                _("報告会の評価"),
                _("リーダーシップ（平均・人数）"),
                _("基準点（報告会・リーダーシップ）"),
                _("重み（政策・技術）"),
                _("最少評価者数（政策・技術・リーダーシップ）"),
            )
        ),
    )

    def row(team):
        rules = team.get("rules", {})
        leadership = (
            f"{evidence.number(team.get('leadership_mean'))}（{team.get('leadership_raters', 0)}）"
            if team.get("role") == "leader"
            else "—"
        )
        return (
            fiscal_year_label(team.get("fiscal_year")),
            f"{team.get('team_name', team.get('team'))} / {team.get('project_title', '')}",
            evidence.role_label(team.get("role", "")),
            f"{evidence.number(team.get('policy_mean'))}（{team.get('policy_raters', 0)}）",
            f"{evidence.number(team.get('technical_mean'))}（{team.get('technical_raters', 0)}）",
            evidence.number(team.get("report_score")),
            leadership,
            f"{evidence.number(rules.get('report_threshold'))}・"
            f"{evidence.number(rules.get('leadership_threshold'))}",
            f"{rules.get('policy_weight', '')}・{rules.get('technical_weight', '')}",
            f"{rules.get('min_policy_raters', '')}・{rules.get('min_technical_raters', '')}・"
            f"{rules.get('min_leadership_raters', '')}",
        )

    body = format_html_join(
        "",
        "<tr>" + "<td>{}</td>" * 10 + "</tr>",
        (row(team) for team in teams),
    )
    extra = ""
    if data.get("advisor_fiscal_year"):
        extra = format_html(
            "<p>{}</p>",
            _("アドバイザー認定の年度: %(year)s")
            % {"year": fiscal_year_label(data["advisor_fiscal_year"])},
        )
    return format_html(
        '<table class="certification-evidence"><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>{}",
        header,
        body,
        extra,
    )


# --- certification admin ----------------------------------------------------------------


class FiscalYearFilter(admin.SimpleListFilter):
    """年度 shown as 令和N年度 rather than the bare year."""

    title = gettext_lazy("認定年度")
    parameter_name = "fiscal_year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
            .distinct()
        )
        return [(str(year), fiscal_year_label(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(fiscal_year=int(value))
        return queryset


@admin.register(Certification)
class CertificationAdmin(SafeActionsMixin, SimpleHistoryAdmin):
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
    actions = ["revoke_action", "resolve_flag_action", "recompute_action"]
    change_list_template = "admin/certification/certification/change_list.html"
    fields = (
        "user",
        "level",
        "fiscal_year",
        "status",
        "source",
        "evidence_display",
        "reason",
        "flag_reason",
        "certificate",
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
        return evidence_table(obj)

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

    # Grant ---------------------------------------------------------------------------
    def grant_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = GrantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                cert = services.certification_grant(
                    user=form.user,
                    level=form.cleaned_data["level"],
                    fiscal_year=form.cleaned_data["fiscal_year"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except CertificationError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("%(name)s さんを%(level)sに認定しました。")
                    % {"name": cert.user.full_name, "level": cert.get_level_display()},
                )
                return HttpResponseRedirect(
                    reverse("admin:certification_certification_change", args=[cert.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("認定を手動で付与"),
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

    @admin.action(description=gettext_lazy("認定を取り消す"), permissions=["change"])
    def revoke_action(self, request, queryset):
        queryset = queryset.select_related("user")
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            done = 0
            for cert in queryset:
                try:
                    services.certification_revoke(
                        certification=cert, reason=form.cleaned_data["reason"], by=request.user
                    )
                    done += 1
                except CertificationError as error:
                    messages.error(request, f"{cert}: {error}")
            messages.success(request, _("%(n)d件の認定を取り消しました。") % {"n": done})
            return None
        return self._intermediate(
            request, queryset, action="revoke_action", title=_("認定を取り消す"), form=form
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
        user_ids = sorted(set(queryset.values_list("user_id", flat=True)))
        result = services.certifications_recompute(user_ids=user_ids)
        messages.success(
            request,
            _("%(people)d人を再計算しました（新規認定 %(created)d件、要確認 %(flagged)d件）。")
            % result,
        )

    # Exports -------------------------------------------------------------------------
    EXPORT_HEADER = (
        "所属コード",
        "所属",
        "職員番号",
        "氏名",
        "フリガナ",
        "職位",
        "認定レベル",
        "認定年度",
        "状態",
        "認定方法",
        "認定日",
        "認定番号",
    )

    def _export_rows(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        qs = selectors.held_certifications_for_export()
        department = request.GET.get("department")
        if department and department.isdigit():
            qs = qs.filter(user__department_id=int(department))
        for cert in qs.iterator(chunk_size=2000):
            user = cert.user
            yield safe_row(
                (
                    user.department.code if user.department else "",
                    user.department.name if user.department else "",
                    user.employee_number or "",
                    user.full_name,
                    user.full_name_kana,
                    user.get_grade_display() if user.grade else "",
                    cert.get_level_display(),
                    fiscal_year_label(cert.fiscal_year),
                    cert.get_status_display(),
                    cert.get_source_display(),
                    timezone.localtime(cert.created_at).date().isoformat(),
                    certificate_number(cert),
                )
            )

    def _filename(self, ext):
        return f"certifications-{timezone.localdate():%Y%m%d}.{ext}"

    def export_csv(self, request):
        """Held certifications as CSV, UTF-8 with BOM (Excel opens it as UTF-8)."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.EXPORT_HEADER)
        rows = list(self._export_rows(request))
        writer.writerows(rows)
        response = HttpResponse(
            ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self._filename("csv")}"'
        self._record_export(request, "csv", len(rows))
        return private_no_store(response)

    def _record_export(self, request, fmt: str, count: int) -> None:
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            request=request,
            detail={"what": "certifications", "format": fmt, "rows": count},
        )

    def export_xlsx(self, request):
        """Held certifications as XLSX: one sheet for everyone, one per department."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        from openpyxl import Workbook

        workbook = Workbook()
        everyone = workbook.active
        everyone.title = "全体"
        everyone.append(self.EXPORT_HEADER)
        sheets = {}
        count = 0
        for row in self._export_rows(request):
            count += 1
            everyone.append(row)
            key = row[1] or "所属なし"
            if key not in sheets:
                title = "".join(c for c in key if c not in "[]:*?/\\")[:31] or "所属"
                sheets[key] = workbook.create_sheet(title=title)
                sheets[key].append(self.EXPORT_HEADER)
            sheets[key].append(row)
        for sheet in workbook.worksheets:
            sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{self._filename("xlsx")}"'
        self._record_export(request, "xlsx", count)
        return private_no_store(response)


# --- rule sets ------------------------------------------------------------------------


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
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

    @admin.display(description=gettext_lazy("年度"))
    def year_label(self, obj):
        return fiscal_year_label(obj.fiscal_year)

    def save_model(self, request, obj, form, change):
        obj._change_reason = _("人事担当が認定基準を変更") if change else _("認定基準を登録")
        super().save_model(request, obj, form, change)
        messages.info(
            request,
            _(
                "認定基準を変更しました。既存の認定に反映するには「全員を再計算」を実行してください。"
            ),
        )


# --- recompute runs -------------------------------------------------------------------


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "status",
        "total",
        "done",
        "created",
        "flagged",
        "requested_by",
        "finished_at",
    )
    list_select_related = ("requested_by",)
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("start/", wrap(self.start_view), name=f"{prefix}_start"),
            path("<int:pk>/progress/", wrap(self.progress_view), name=f"{prefix}_progress"),
            path(
                "<int:pk>/progress.json",
                wrap(self.progress_json),
                name=f"{prefix}_progress_json",
            ),
            *super().get_urls(),
        ]

    def _may_start(self, request):
        return request.user.has_perm("certification.change_certification")

    def start_view(self, request):
        """GET: a confirmation page. POST: create the run, queue it, show its progress."""
        if not self._may_start(request):
            raise PermissionDenied
        if request.method == "POST":
            run = services.recompute_run_start(by=request.user)
            return HttpResponseRedirect(
                reverse("admin:certification_recomputerun_progress", args=[run.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("全員の認定を再計算"),
        }
        return TemplateResponse(request, "admin/certification/recomputerun/start.html", context)

    def progress_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(RecomputeRun, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("再計算の進み具合"),
            "run": run,
            "progress": _progress(run),
        }
        return TemplateResponse(request, "admin/certification/recomputerun/progress.html", context)

    def progress_json(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(RecomputeRun, pk=pk)
        return JsonResponse(_progress(run))


def _progress(run: RecomputeRun) -> dict:
    percent = (
        100
        if run.status == RecomputeRun.Status.DONE
        else (int(run.done * 100 / run.total) if run.total else 0)
    )
    return {
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "total": run.total,
        "done": run.done,
        "created": run.created,
        "flagged": run.flagged,
        "percent": percent,
        "finished": run.status in (RecomputeRun.Status.DONE, RecomputeRun.Status.FAILED),
    }
