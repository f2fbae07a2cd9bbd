"""Reads for the 所属長's page (issue 12): the applications of the people a head answers
for, by the roster (`accounts.selectors.departments_headed_by`). A fixed number of
queries whatever the number of applications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import heads_person
from accounts.selectors import department_ids_headed_by

from .consent_models import HeadConsent
from .models import Membership

DECIDED_SHOWN = 50  # the most recent decisions listed under the pending ones


def _consents_of_people_headed_by(user: User) -> QuerySet[HeadConsent]:
    return (
        HeadConsent.objects.filter(
            membership__user__department_id__in=department_ids_headed_by(user)
        )
        .exclude(membership__user=user)
        .select_related("membership__user__department", "membership__team__project", "decided_by")
    )


def consents_for_head(user: User) -> tuple[list[HeadConsent], list[HeadConsent]]:
    """(pending, decided) for `user`'s 課: pending ones still open (the application still
    applied, the project still asking for the step), oldest first; the latest decided
    ones, newest first."""
    qs = _consents_of_people_headed_by(user)
    pending = list(
        qs.filter(
            decision=HeadConsent.Decision.PENDING,
            membership__status=Membership.Status.APPLIED,
            membership__project__requires_head_consent=True,
        ).order_by("requested_at", "pk")
    )
    decided = list(
        qs.exclude(decision=HeadConsent.Decision.PENDING).order_by("-decided_at", "-pk")[
            :DECIDED_SHOWN
        ]
    )
    return pending, decided


def consent_for_head(user: User, pk: int) -> HeadConsent:
    """One consent of a person `user` is 所属長 of (404 for anyone else's)."""
    consent = _consents_of_people_headed_by(user).filter(pk=pk).first()
    if consent is None or not heads_person(user, consent.membership.user):
        raise Http404
    return consent
