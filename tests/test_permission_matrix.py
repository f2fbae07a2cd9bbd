"""Every URL of ours × every role → the expected status.

The URL names come from the URLconf itself, so a new URL without a row in
`tests/<app>/matrix.py` fails `test_every_url_of_ours_has_a_row_in_the_matrix`.
Third-party URLs (allauth, the admin's own model pages) are covered by their projects'
tests; the admin index and the sign-up address have rows here.
"""

import importlib

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.audit import audit_record
from accounts.models import AuditAction
from evaluations.models import ReminderLog
from tests import factories
from tests.matrix import ADMIN_KINDS, ROLES, build_world

APPS = ("accounts", "projects", "evaluations", "training", "certification")
OUR_NAMESPACES = {"projects", "evaluations", "training", "certification"}
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


# The admin's own pages and the standard pages of every model (walked by
# `test_every_admin_page_answers_each_role_as_pinned`); any other admin URL is ours.
ADMIN_SITE_NAMES = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
}
ADMIN_MODEL_SUFFIXES = tuple(f"_{kind}" for kind in ADMIN_KINDS) + ("_simple_history",)


def _url_names(patterns=None, namespace=None):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            names |= _url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if namespace in OUR_NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")
            elif namespace == "admin" and not (
                pattern.name in ADMIN_SITE_NAMES or pattern.name.endswith(ADMIN_MODEL_SUFFIXES)
            ):
                names.add(f"admin:{pattern.name}")
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


def _admin_models():
    table = {}
    for app in APPS:
        module = importlib.import_module(f"tests.{app}.matrix")
        table.update(getattr(module, "ADMIN_MODELS", {}))
    return table


ADMIN_MODELS = _admin_models()


def test_every_model_in_the_admin_has_a_row():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


def _admin_world():
    """The shared world with every app's additions, and one object of each registered
    model that no page needs (kept out of the apps' `extend`, which other tests share)."""
    world = build_world()
    for app in APPS:
        extend = getattr(importlib.import_module(f"tests.{app}.matrix"), "extend", None)
        if extend:
            extend(world)
    factories.EvaluationFactory(presentation=world.presentation, evaluator=world.executive)
    ReminderLog.objects.create(user=world.executive, key="matrix")
    factories.RuleSetFactory(fiscal_year=world.project.fiscal_year)
    EmailAddress.objects.create(user=world.member, email=world.member.email, primary=True)
    Authenticator.objects.create(
        user=world.hr_admin, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    audit_record(actor=world.hr_admin, action=AuditAction.ROLE_CHANGE, target=world.staff)
    app = SocialApp.objects.create(provider="openid_connect", provider_id="city", name="city")
    account = SocialAccount.objects.create(user=world.member, provider="city", uid="m1")
    SocialToken.objects.create(app=app, account=account, token="t")
    return world


@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_every_admin_page_answers_each_role_as_pinned(client, db, label):
    """Changelist, add, change, delete and history of every registered model × 9 roles
    (GET). The object is the first of its model in the shared world."""
    world = _admin_world()
    model = apps.get_model(label)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the matrix world has no {label}: add one in an extend()"
    organiser, hr_admin = ADMIN_MODELS[label]
    reaches = {"organiser": set(organiser), "hr_admin": set(hr_admin)}
    info = model._meta.app_label, model._meta.model_name
    expected, actual = {}, {}
    for kind in ADMIN_KINDS:
        args = [] if kind in ("changelist", "add") else [obj.pk]
        url = reverse(f"admin:{info[0]}_{info[1]}_{kind}", args=args)
        for role in ROLES:
            if role in reaches:
                expected[kind, role] = 200 if kind in reaches[role] else 403
            else:
                expected[kind, role] = 302
            client.logout()
            if role != "anonymous":
                client.force_login(getattr(world, role))
            actual[kind, role] = client.get(url).status_code
    assert actual == expected
