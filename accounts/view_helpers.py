"""What every app's views share: a role check as a decorator and how a service call's
outcome is shown. One place, so the apps' views do not each grow their own copy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .exceptions import DomainError


def requires(predicate: Callable[[object], bool]):
    """A view for people `predicate(user)` admits: anonymous → login, others → 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def run_service(request, action: Callable[[], object], success: str) -> bool:
    """Call `action()`; show `success`, or the refusal's own Japanese message (any
    `DomainError`: nothing was changed). True when it succeeded."""
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True
