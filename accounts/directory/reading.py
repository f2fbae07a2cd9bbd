"""Reading the whole staff list from the city's directory, for `sync_directory`.

The directory is read with the service account (`LDAP_BIND_DN`), in pages (Active
Directory answers at most 1,000 entries a search), with the same user filter as sign-in
(so a disabled account is not in the list and the roster rules deactivate it).
"""

from __future__ import annotations

import ldap
from django.conf import settings
from django.utils.translation import gettext as _
from ldap.controls import SimplePagedResultsControl

from ..exceptions import RosterFileError
from ..services import COLUMNS, RosterRow
from .backends import ldap_values

PAGE_SIZE = 500


def _connect():
    for option, value in settings.AUTH_LDAP_GLOBAL_OPTIONS.items():
        ldap.set_option(option, value)
    connection = ldap.initialize(settings.AUTH_LDAP_SERVER_URI)
    connection.protocol_version = ldap.VERSION3
    if settings.AUTH_LDAP_START_TLS:
        connection.start_tls_s()
    connection.simple_bind_s(settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD)
    return connection


def _entries(connection, attributes: list[str]):
    control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
    while True:
        msgid = connection.search_ext(
            settings.DIRECTORY_LDAP_USER_BASE,
            ldap.SCOPE_SUBTREE,
            settings.DIRECTORY_LDAP_USER_FILTER,
            attributes,
            serverctrls=[control],
        )
        _type, data, _msgid, controls = connection.result3(msgid)
        yield from ((dn, attrs) for dn, attrs in data if dn)
        cookie = next(
            (c.cookie for c in controls if c.controlType == SimplePagedResultsControl.controlType),
            b"",
        )
        if not cookie:
            return
        control.cookie = cookie


def directory_roster_rows() -> list[RosterRow]:
    """Every active person in the directory as a roster row (the roster import's fields).

    Raises `RosterFileError` with a Japanese message when the directory cannot be read.
    """
    login_attr = settings.DIRECTORY_LDAP_LOGIN_ATTRIBUTE
    mapping = settings.DIRECTORY_LDAP_ATTRIBUTES
    try:
        connection = _connect()
        try:
            found = list(_entries(connection, [login_attr, *mapping.values()]))
        finally:
            connection.unbind_s()
    except ldap.LDAPError as error:
        raise RosterFileError(
            _("庁内ディレクトリを読み取れませんでした（%(reason)s）。")
            % {"reason": type(error).__name__},
            code="directory",
        ) from error
    rows = []
    for line, (_dn, raw) in enumerate(sorted(found), start=1):
        attrs = {k: [v.decode("utf-8", "replace") for v in vs] for k, vs in raw.items()}
        attrs = {k.casefold(): v for k, v in attrs.items()}
        lowered = {field: attr.casefold() for field, attr in mapping.items()}
        values = dict.fromkeys(COLUMNS, "")
        values.update(ldap_values(attrs, lowered))
        number = ldap_values(attrs, {"n": login_attr.casefold()}).get("n", "")
        if not number:
            continue
        values["employee_number"] = number
        rows.append(RosterRow(line=line, values=values))
    return rows
