"""認定決裁 in the admin: HR reviews a proposal batch (what changes, for whom, on what
evidence), approves it with a 決裁日 and 決裁番号, or rejects lines with a reason. Every
write goes through `certification.services`; nothing here edits a field directly."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import RevertGuardMixin, SafeActionsMixin
from accounts.fiscal import fiscal_year_label
from accounts.validators import NoNulFormMixin

from .. import permissions, services
from ..exceptions import CertificationError
from ..models import DecisionBatch, DecisionLine
from .evidence import evidence_table
from .forms import ApproveForm, ReasonForm


class _HrOnly:
    """Decisions are HR's: HR admins view and decide; nobody adds or deletes here."""

    def has_view_permission(self, request, obj=None):
        return permissions.can_decide_certifications(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_decide_certifications(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_history_permission(self, request, obj=None):
        return False  # no "revert": it would bypass the services

    def has_module_permission(self, request):
        return permissions.can_decide_certifications(request.user)


class RejectLinesForm(NoNulFormMixin, forms.Form):
    reject = forms.MultipleChoiceField(
        label=gettext_lazy("却下する明細"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reject_reason = forms.CharField(
        label=gettext_lazy("却下の理由"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reject"].choices = [(str(line.pk), str(line.pk)) for line in lines]

    def clean(self):
        data = super().clean()
        if data.get("reject") and not (data.get("reject_reason") or "").strip():
            self.add_error("reject_reason", _("却下の理由を入力してください。"))
        return data


@admin.register(DecisionBatch)
class DecisionBatchAdmin(_HrOnly, RevertGuardMixin, SimpleHistoryAdmin):
    list_display = (
        "__str__",
        "status",
        "prepared",
        "created_at",
        "pending_count",
        "line_count",
        "decided_on",
        "decision_number",
        "decided_by",
    )
    list_filter = ("status",)
    search_fields = ("decision_number",)
    list_select_related = ("prepared_by", "decided_by")
    history_list_display = ["status", "decision_number"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_lines=Count("lines"),
                n_pending=Count("lines", filter=Q(lines__status=DecisionLine.Status.PENDING)),
            )
        )

    @admin.display(description=gettext_lazy("起案者"))
    def prepared(self, obj):
        return obj.prepared_by or _("自動判定（再計算）")

    @admin.display(description=gettext_lazy("明細"))
    def line_count(self, obj):
        return obj.n_lines

    @admin.display(description=gettext_lazy("決裁待ち"))
    def pending_count(self, obj):
        return obj.n_pending

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page: the lines (filter by kind, status, name), each person's
        evidence, and the approval form."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(
            DecisionBatch.objects.select_related("prepared_by", "decided_by"), pk=object_id
        )
        lines = batch.lines.select_related("user", "user__department", "certification")
        kind, status, query = (request.GET.get(k, "") for k in ("kind", "status", "q"))
        if kind in DecisionLine.Kind.values:
            lines = lines.filter(kind=kind)
        if status in DecisionLine.Status.values:
            lines = lines.filter(status=status)
        if query:
            lines = lines.filter(
                Q(user__last_name_kana__icontains=query)
                | Q(user__first_name_kana__icontains=query)
                | Q(user__last_name__icontains=query)
                | Q(user__employee_number=query)
            )
        lines = list(lines)
        pending = [line for line in lines if line.status == DecisionLine.Status.PENDING]
        approve = ApproveForm(request.POST or None)
        reject = RejectLinesForm(request.POST or None, lines=pending)
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            if approve.is_valid() and reject.is_valid():
                reason = reject.cleaned_data["reject_reason"]
                try:
                    counts = services.decision_batch_approve(
                        batch=batch,
                        by=request.user,
                        decided_on=approve.cleaned_data["decided_on"],
                        decision_number=approve.cleaned_data["decision_number"],
                        reject={int(pk): reason for pk in reject.cleaned_data["reject"]},
                        request=request,
                    )
                except CertificationError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        _(
                            "決裁しました（承認 %(approved)d件、却下 %(rejected)d件、"
                            "保留 %(deferred)d件、反映済み %(superseded)d件）。"
                        )
                        % counts,
                    )
                    if counts["deferred"]:
                        messages.info(
                            request,
                            _("ご自身に関する明細は、別の人事担当の決裁のため残しました。"),
                        )
                    return HttpResponseRedirect(
                        reverse("admin:certification_decisionbatch_change", args=[batch.pk])
                    )
        rows = [
            {
                "line": line,
                "year": fiscal_year_label(line.fiscal_year),
                "evidence": evidence_table(line.evidence)
                if line.kind in (DecisionLine.Kind.AWARD, DecisionLine.Kind.RESTORE)
                else (line.reason or evidence_table(line.evidence)),
                "mine": permissions.concerns(request.user, line.user_id),
            }
            for line in lines
        ]
        may_decide = (
            batch.status == DecisionBatch.Status.PENDING
            and self.has_change_permission(request)
            and not permissions.two_person_rule_blocks(
                request.user,
                prepared_by_id=batch.prepared_by_id,
                other_decider_exists=services.other_decider_exists(request.user),
            )
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("認定決裁 %(batch)s") % {"batch": batch},
            "batch": batch,
            "rows": rows,
            "approve": approve,
            "reject": reject,
            "may_decide": may_decide,
            "kinds": DecisionLine.Kind.choices,
            "statuses": DecisionLine.Status.choices,
            "filters": {"kind": kind, "status": status, "q": query},
            "rule_sets": [
                {"year": fiscal_year_label(int(year)), **values}
                for year, values in sorted(batch.rule_sets.items())
            ],
            "history_url": reverse("admin:certification_decisionbatch_history", args=[batch.pk]),
        }
        return TemplateResponse(request, "admin/certification/decisionbatch/review.html", context)


@admin.register(DecisionLine)
class DecisionLineAdmin(_HrOnly, SafeActionsMixin, RevertGuardMixin, SimpleHistoryAdmin):
    list_display = (
        "user",
        "employee_number",
        "kind",
        "level",
        "year",
        "status",
        "batch",
        "decided_by",
    )
    list_filter = ("status", "kind", "level", "fiscal_year")
    search_fields = (
        "user__last_name",
        "user__first_name",
        "user__last_name_kana",
        "user__first_name_kana",
        "user__employee_number",
        "batch__decision_number",
    )
    list_select_related = ("user", "batch", "decided_by")
    actions = ["reject_action"]
    readonly_fields = (
        "batch",
        "user",
        "kind",
        "level",
        "fiscal_year",
        "certification",
        "evidence_display",
        "reason",
        "status",
        "reject_reason",
        "decided_by",
        "decided_at",
        "published",
    )
    fields = readonly_fields

    @admin.display(description=gettext_lazy("職員番号"), ordering="user__employee_number")
    def employee_number(self, obj):
        return obj.user.employee_number or "—"

    @admin.display(description=gettext_lazy("認定年度"), ordering="fiscal_year")
    def year(self, obj):
        return fiscal_year_label(obj.fiscal_year)

    @admin.display(description=gettext_lazy("根拠"))
    def evidence_display(self, obj):
        return evidence_table(obj.evidence)

    def save_model(self, request, obj, form, change):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=gettext_lazy("選択した明細を却下する"), permissions=["change"])
    def reject_action(self, request, queryset):
        queryset = queryset.select_related("user").filter(status=DecisionLine.Status.PENDING)
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            try:
                done = services.decision_lines_reject(
                    lines=list(queryset),
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    request=request,
                )
            except CertificationError as error:
                messages.error(request, str(error))
                return None
            messages.success(request, _("%(n)d件の明細を却下しました。") % {"n": done})
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("選択した明細を却下する"),
            "queryset": queryset,
            "form": form,
            "action": "reject_action",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/certification/certification/action_reason.html", context
        )
