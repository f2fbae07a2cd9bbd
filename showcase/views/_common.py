"""What the showcase pages share: role checks and how a service call is reported."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..exceptions import ShowcaseError
from ..permissions import can_manage_showcase, can_see_showcase

PAGE_SIZE = 20


def staff_required(view):
    """City staff only: anonymous → login, external experts → 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_see_showcase(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def organiser_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_showcase(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def run(request, action, success: str) -> bool:
    """Call `action()`; show `success` or the refusal. True when it succeeded."""
    try:
        action()
    except ShowcaseError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


def form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
