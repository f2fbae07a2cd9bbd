"""The 操作ログ (audit log): one call records one privileged operation.

Japanese municipal security policy asks for a record of privileged operations: who did
what, when, from which address, to what. Every app calls `audit_record` where such an
operation happens (inside the service's transaction when there is one, so the entry and
the operation commit or roll back together):

    from accounts.audit import audit_record
    from accounts.models import AuditAction

    audit_record(actor=request.user, action=AuditAction.EXPORT, target=meeting,
                 request=request, detail={"format": "csv"})

The log is append-only (see `AuditEntry`); HR reads it in the admin (操作ログ), filters it
by person, operation and date, and downloads it as CSV.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest

from .models import AuditAction, AuditEntry, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the trusted-proxy settings resolve it.

    One definition for the whole portal: allauth's, which reads
    `ALLAUTH_TRUSTED_CLIENT_IP_HEADER` or the `ALLAUTH_TRUSTED_PROXY_COUNT`-th address
    from the right of `X-Forwarded-For`, and `REMOTE_ADDR` otherwise. The login rate
    limits use the same address.
    """
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No address, or fewer X-Forwarded-For hops than the trusted proxy count: the
        # operation is still recorded, without an address.
        return None


def _login_id(user: User | None) -> str:
    if user is None:
        return ""
    return user.employee_number or user.email or str(user.pk)


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the 操作ログ and return it.

    - `actor`: who did it; `None` (or an anonymous user) for the system (a task, a
      command without a person). Their login id is copied into the entry.
    - `action`: an `AuditAction`; an unknown value raises `ValueError` (a programming
      error: add the member to `AuditAction` first).
    - `target`: the object it was done to (any model instance), kept as content type,
      id and its text at the time.
    - `request`: when given, the client address comes from it (trusted-proxy aware).
    - `detail`: JSON-serialisable facts worth keeping (a reason, counts, a format).
      Never evaluation scores or comments.

    Runs in the caller's transaction when there is one; otherwise it commits on its own.
    Never updates an existing entry: each call adds one.
    """
    action = AuditAction(action)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        actor=actor,
        actor_login=_login_id(actor),
        ip_address=client_ip(request),
        action=action,
        detail=detail or {},
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:200]
    entry.full_clean()
    entry.save()
    return entry
