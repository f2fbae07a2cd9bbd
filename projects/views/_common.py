"""What the project pages share: the role checks and how a service call is reported."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..exceptions import ProjectError
from ..permissions import (
    can_manage_projects,
    can_see_staff_pages,
)

PAGE_SIZE = 20


def staff_required(view):
    """City staff only: anonymous → login, external experts and others → 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_see_staff_pages(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def organiser_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_projects(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _run(request, action, success: str) -> bool:
    """Call `action()`; show `success` or the refusal. True when it succeeded."""
    try:
        action()
    except ProjectError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True
