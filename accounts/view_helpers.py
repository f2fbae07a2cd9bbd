"""What every app's views share: a role check as a decorator, how a service call's
outcome is shown, and a list's pages. One place, so the apps' views do not each grow
their own copy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator

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


def paginate(request, items, per_page: int) -> tuple[Page, str]:
    """The page of `items` the request asks for (`?page=`; a bad number gives the first
    or last page), and the request's other parameters as a query string, for the
    pagination links (templates/projects/_partials/pagination.html)."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
