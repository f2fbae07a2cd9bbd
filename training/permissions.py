"""Who may do what with courses, qualifications and the 人材台帳. Role predicates live in
`accounts.permissions`."""

from __future__ import annotations

from accounts.permissions import (
    heads_person,
    is_city_staff,
    is_hr_admin,
    is_organiser,
    is_programme_admin,
)


def can_register_own(user) -> bool:
    """City staff (executives included) register their external courses and
    qualifications; external experts do not."""
    return is_city_staff(user)


def can_record_attendance(user) -> bool:
    """The organiser records attendance of the city's own courses and the executives'
    意識改革研修."""
    return is_organiser(user)


def can_review(user) -> bool:
    """HR verifies or returns what staff registered."""
    return is_hr_admin(user)


def can_review_record(user, record) -> bool:
    """HR reviews anyone's record but their own (four eyes)."""
    return can_review(user) and record.person_id != user.pk


def can_view_journey(user, person) -> bool:
    """A person's DX journey (人材台帳 of one person): the person, HR and the organiser,
    and the person's 所属長 (the head of their 課 by the roster) — who plans the 課's
    work and is asked about 人事異動. Nobody else."""
    if not (user and user.is_authenticated):
        return False
    if user.pk == person.pk:
        return is_city_staff(user)
    return is_programme_admin(user) or heads_person(user, person)


def can_see_certificates_of(user, person_id: int) -> bool:
    """Certificate files: their owner and HR (who verifies them). Not the organiser nor
    the 所属長: a file may carry more than the portal shows."""
    if not (user and user.is_authenticated):
        return False
    return person_id == user.pk or is_hr_admin(user)


def can_download_certificate(user, record) -> bool:
    return can_see_certificates_of(user, record.person_id)


def can_export_ledger(user) -> bool:
    """The 人材台帳 export is HR's."""
    return is_hr_admin(user)
