"""Recompute runs: start one, follow its progress."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .. import services
from ..models import RecomputeRun


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


def _fraction(entry: dict) -> float:
    if entry["finished"]:
        return 1.0
    return entry["done"] / entry["total"] if entry["total"] else 0.0


def _progress(run: RecomputeRun) -> dict:
    """The run's progress. A streamed run sums its ranges: each range weighs the same
    until it has counted its people (a range not started yet counts as 0 %)."""
    if run.status == RecomputeRun.Status.DONE:
        percent = 100
    elif run.ranges:
        entries = run.ranges.values()
        percent = int(sum(_fraction(e) for e in entries) * 100 / len(entries))
    else:
        percent = int(run.done * 100 / run.total) if run.total else 0
    return {
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "total": run.total,
        "done": run.done,
        "created": run.created,
        "flagged": run.flagged,
        "percent": percent,
        "ranges": len(run.ranges),
        "ranges_finished": sum(1 for e in run.ranges.values() if e["finished"]),
        "finished": run.status in (RecomputeRun.Status.DONE, RecomputeRun.Status.FAILED),
    }
