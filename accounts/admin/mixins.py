"""What every app's admin shares: safe actions, read-only workflow admins, no history revert."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin


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


class ReadOnlyAdminMixin:
    """Browse, search and read history; never add, change or delete here. Workflow data
    changes only through the portal pages (or an admin action) that call its service."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevertGuardMixin:
    """django-simple-history saves a POST to a history row's page ("revert") whatever
    `has_change_history_permission` says (it only hides the button), restoring every
    field of the old row, read-only ones included. Refuse it unless reverting is allowed."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyHistoryAdmin(
    SafeActionsMixin, RevertGuardMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin
):
    """A workflow model's admin: browse, search, history; no add, change, delete, revert."""

    def has_change_history_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        # Every shown field, so that even non-editable ones render (no form field).
        return self.fields or [f.name for f in self.model._meta.fields]
