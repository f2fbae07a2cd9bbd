"""Who may see what of certification."""

from accounts.permissions import is_city_staff, is_programme_admin

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
