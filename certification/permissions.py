"""Who may see what of certification."""

from accounts.permissions import is_city_staff, is_hr_admin, is_programme_admin

from .models import Certification


def can_view_own_certification(user) -> bool:
    """「わたしの認定」 is a staff page (external experts are not city staff)."""
    return is_city_staff(user)


def can_view_dashboard(user) -> bool:
    return is_programme_admin(user)


def can_download_certificate(user, certification: Certification) -> bool:
    """The holder while it is held (not revoked); HR and organisers always."""
    if is_programme_admin(user):
        return True
    return (
        certification.user_id == getattr(user, "pk", None)
        and certification.status != Certification.Status.REVOKED
    )


def can_decide_certifications(user) -> bool:
    """認定決裁 (approve or reject proposals, propose grants and revocations): HR admins
    whose account is active."""
    return bool(getattr(user, "is_active", False)) and is_hr_admin(user)


def concerns(user, person_id: int | None) -> bool:
    """Four eyes: nobody decides about themself."""
    return person_id is not None and getattr(user, "pk", None) == person_id


def two_person_rule_blocks(user, *, prepared_by_id: int | None, other_decider_exists: bool) -> bool:
    """With `CERTIFICATION_TWO_PERSON_RULE` on, the HR admin who prepared a proposal does
    not decide it while another active HR admin exists (`other_decider_exists`). The
    machine's proposals (prepared_by None) are anyone's to decide."""
    from django.conf import settings

    return (
        settings.CERTIFICATION_TWO_PERSON_RULE
        and prepared_by_id is not None
        and prepared_by_id == getattr(user, "pk", None)
        and other_decider_exists
    )
