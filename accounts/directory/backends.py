"""Authentication backends: the city's LDAP / Active Directory, and local passwords.

`DirectoryLDAPBackend` lets django-auth-ldap do what it is good at — find the person in
the directory by their 職員番号 (the login attribute), bind as them with their password
(a disabled or locked account is refused by the directory itself), read their groups —
and hands the person to `directory_sign_in`, our one gate for those writes.

The local backends accept a password kept by the portal. When the city signs its staff
in through the directory it restricts them (`LOCAL_LOGIN=listed`) to the people HR lists
(external experts, break-glass accounts): see `accounts.permissions.may_use_local_login`.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django_auth_ldap.backend import LDAPBackend

from ..exceptions import DirectorySignInRefused
from ..permissions import may_use_local_login
from .services import directory_sign_in

#: Set on the request when a correct local password belongs to someone who must sign in
#: through the directory, so the login form can say so instead of "wrong password".
LOCAL_LOGIN_REFUSED = "_local_login_refused"


def ldap_values(attrs, mapping: dict[str, str]) -> dict[str, str]:
    """Roster field → the first value of the mapped directory attribute."""
    values = {}
    for field, attribute in mapping.items():
        found = attrs.get(attribute) if attrs else None
        if found:
            values[field] = str(found[0]).strip()
    return values


def roles_from_groups(group_dns, role_groups: dict[str, str]) -> set[str]:
    return {role for dn in group_dns for key, role in role_groups.items() if dn.casefold() == key}


class DirectoryLDAPBackend(LDAPBackend):
    def get_or_build_user(self, username, ldap_user):
        login_attr = settings.DIRECTORY_LDAP_LOGIN_ATTRIBUTE
        # The directory's own spelling of the 職員番号, not what was typed.
        number = ldap_values(ldap_user.attrs, {"employee_number": login_attr}).get(
            "employee_number", username
        )
        role_groups = settings.DIRECTORY_LDAP_ROLE_GROUPS
        roles = None
        if role_groups and getattr(settings, "AUTH_LDAP_GROUP_SEARCH", None):
            roles = roles_from_groups(ldap_user.group_dns, role_groups)
        try:
            user = directory_sign_in(
                employee_number=number,
                values=ldap_values(ldap_user.attrs, settings.DIRECTORY_LDAP_ATTRIBUTES),
                roles=roles,
                managed_roles=set(role_groups.values()),
                allow_create=settings.DIRECTORY_CREATE_USERS,
            )
        except DirectorySignInRefused as refused:
            raise ldap_user.AuthenticationFailed(refused.code) from refused
        return user, False


class _LocalPolicy:
    def authenticate(self, request, *args, **kwargs):
        user = super().authenticate(request, *args, **kwargs)
        if user is not None and not may_use_local_login(user):
            if request is not None:
                setattr(request, LOCAL_LOGIN_REFUSED, True)
            return None
        return user


class LocalModelBackend(_LocalPolicy, ModelBackend):
    """Django's password backend, within the city's local-login policy."""


class LocalAllauthBackend(_LocalPolicy, AuthenticationBackend):
    """allauth's 職員番号-or-e-mail password backend, within the local-login policy."""
