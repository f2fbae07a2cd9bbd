from django.conf import settings

from . import permissions


def roles(request):
    """What the navbar needs to show each role its own links."""
    user = getattr(request, "user", None)
    return {
        # The login page words the password form for the city's directory.
        "directory_ldap": settings.DIRECTORY_LDAP_ENABLED,
        "can": {
            "staff_pages": permissions.is_city_staff(user),
            "rate": permissions.is_rater(user),
            "organise": permissions.is_organiser(user),
            "hr": permissions.is_hr_admin(user),
            "programme_admin": permissions.is_programme_admin(user),
            "admin": permissions.is_programme_admin(user)
            or bool(user and user.is_authenticated and user.is_superuser),
        }
    }
