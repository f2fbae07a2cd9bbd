from django.conf import settings

from . import permissions
from .selectors import heads_own_department


def roles(request):
    """What the navbar needs to show each role its own links."""
    user = getattr(request, "user", None)
    can = {
        "staff_pages": permissions.is_city_staff(user),
        "rate": permissions.is_rater(user),
        "organise": permissions.is_organiser(user),
        "hr": permissions.is_hr_admin(user),
        "programme_admin": permissions.is_programme_admin(user),
        # 所属長 by the roster (issue 12): the consent and hours pages. One query, for
        # 課長 and above only.
        "head": heads_own_department(user),
        "admin": permissions.is_programme_admin(user)
        or bool(user and user.is_authenticated and user.is_superuser),
    }
    return {
        # The login page words the password form for the city's directory.
        "directory_ldap": settings.DIRECTORY_LDAP_ENABLED,
        "can": can,
        # The navbar's links depend on these flags only (and the language): base.html
        # caches them per flag set and language ({% cache %}), so a page does not
        # reverse and translate them again. A new flag above is in the key by itself.
        "nav_key": "auth:" + ",".join(sorted(k for k, v in can.items() if v))
        if user is not None and user.is_authenticated
        else "anonymous",
    }


def contacts(request):
    """Whom to ask: passwords (人事課) and the programme (DX推進担当), from settings."""
    return {
        "contacts": {
            "password": settings.PASSWORD_HELP_CONTACT,
            "portal": settings.PORTAL_HELP_CONTACT,
        }
    }
