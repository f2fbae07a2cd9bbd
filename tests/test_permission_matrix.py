"""Every URL of ours × every role → the expected status.

The URL names come from the URLconf itself, so a new URL without a row in
`tests/<app>/matrix.py` fails `test_every_url_of_ours_has_a_row_in_the_matrix`.
Third-party URLs (allauth, the admin's own model pages) are covered by their projects'
tests; the admin index and the sign-up address have rows here.
"""

import importlib

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import ROLES, build_world

APPS = ("accounts", "projects", "evaluations", "certification")
OUR_NAMESPACES = {"projects", "evaluations", "certification"}
OUR_ROOT_NAMES = {"home", "healthz", "account_signup", "account_email"}


def _rows():
    rows = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"tests.{app}.matrix")
        except ModuleNotFoundError:
            continue
        for row in module.ROWS:
            assert row.url_name not in rows, f"two rows for {row.url_name}"
            rows[row.url_name] = (row, getattr(module, "extend", None))
    return rows


ROWS = _rows()


def _url_names(patterns=None, namespace=None):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            names |= _url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if namespace in OUR_NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")
            elif namespace is None and pattern.name in OUR_ROOT_NAMES:
                names.add(pattern.name)
    return names


def test_every_url_of_ours_has_a_row_in_the_matrix():
    missing = _url_names() - set(ROWS)
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


def _login_url():
    return reverse(settings.LOGIN_URL)


@pytest.mark.parametrize("url_name", sorted(ROWS))
def test_each_role_gets_the_expected_answer(client, db, url_name):
    row, extend = ROWS[url_name]
    world = build_world()
    if extend:
        extend(world)
    url = reverse(row.url_name, kwargs=row.kwargs(world)) + row.query
    actual = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(world, role))
        # Each role's request runs in a savepoint that is rolled back, so a successful
        # POST by one role does not change what the next role sees.
        with transaction.atomic():
            response = getattr(client, row.method)(url, data=row.data(world))
            status = response.status_code
            if role == "anonymous" and status == 302:
                assert response.url.startswith(_login_url()) or "login" in response.url, (
                    f"anonymous is redirected to {response.url}, not to the login page"
                )
            actual[role] = status
            transaction.set_rollback(True)
    assert actual == row.expect, f"{row.method.upper()} {url}"
