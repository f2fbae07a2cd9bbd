"""認定証の再発行 in the admin (issue #14): an action on the certification list (HR
admins) calling `credentials.reissue.certificate_reissue`, and the read-only list of
re-issues (which old 認定証番号 became which, in which names)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ReadOnlyHistoryAdmin
from accounts.selectors import department_at

from .. import permissions
from ..credentials.models import CertificateReissue
from ..credentials.reissue import certificate_reissue
from ..department_counts import year_end
from ..exceptions import CertificationError
from ..pdf import certificate_number


class ReissueActionMixin:
    """Mixed into the certification admin: 「認定証を再発行（現在の氏名で）」, and the
    holder's department at the time of the certified 年度 beside today's."""

    @admin.display(description=gettext_lazy("当時の所属（認定年度末）"))
    def department_then(self, obj):
        day = year_end(obj.fiscal_year)
        return department_at(obj.user, day) or "—"

    def has_reissue_permission(self, request):
        return permissions.can_decide_certifications(request.user)

    @admin.action(
        description=gettext_lazy("認定証を再発行する（現在の氏名で）"), permissions=["reissue"]
    )
    def reissue_action(self, request, queryset):
        done = 0
        for certification in queryset.select_related("user"):
            try:
                certificate_reissue(certification=certification, by=request.user, request=request)
            except CertificationError as error:
                messages.error(request, f"{certification.user.full_name}: {error}")
            else:
                done += 1
                messages.success(
                    request,
                    _("%(name)s さんの認定証を再発行しました（新しい認定証番号 %(number)s）。")
                    % {
                        "name": certification.user.full_name,
                        "number": certificate_number(certification),
                    },
                )
        return None


@admin.register(CertificateReissue)
class CertificateReissueAdmin(ReadOnlyHistoryAdmin):
    list_display = ("certification", "holder_name", "new_holder_name", "reissued_on", "reissued_by")
    list_select_related = ("certification", "certification__user", "reissued_by")
    search_fields = ("holder_name", "new_holder_name", "certification__user__employee_number")
    readonly_fields = (
        "certification",
        "public_id",
        "holder_name",
        "new_public_id",
        "new_holder_name",
        "reissued_on",
        "reissued_at",
        "reissued_by",
        "reason",
    )
    fields = readonly_fields

    def has_view_permission(self, request, obj=None):
        return permissions.can_decide_certifications(request.user)

    def has_module_permission(self, request):
        return permissions.can_decide_certifications(request.user)
