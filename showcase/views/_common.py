"""What the showcase pages share: role checks and how a service call is reported."""

from django.contrib import messages

from accounts.view_helpers import requires, run_service

from ..permissions import can_manage_showcase, can_see_showcase

PAGE_SIZE = 20


#: City staff only: anonymous → login, external experts → 403.
staff_required = requires(can_see_showcase)
organiser_required = requires(can_manage_showcase)
run = run_service


def form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
