import datetime

from accounts.services.careers import name_change_record, transfer
from tests import factories
from tests.matrix import NO_ACCESS, VIEW, VIEW_ADD, Row, expect


def extend(world):
    """A person transferred in April and one whose name changed (issue #14)."""
    world.transferred = factories.UserFactory()
    transfer(
        user=world.transferred,
        department=factories.DepartmentFactory(),
        on=datetime.date(2025, 4, 1),
        by=world.hr_admin,
    )
    world.renamed = factories.UserFactory()
    name_change_record(
        user=world.renamed,
        changed_on=datetime.date(2025, 6, 1),
        uses_maiden_name_at_work=False,
        by=world.hr_admin,
        last_name="芳賀",
        first_name=world.renamed.first_name,
        last_name_kana="ハガ",
        first_name_kana=world.renamed.first_name_kana,
    )


ADMIN_ONLY = dict.fromkeys(
    ("anonymous", "staff", "member", "leader", "executive", "external_expert"), 302
)


ROWS = [
    Row("home", expect(200, anonymous=302)),
    Row("healthz", expect(200)),
    # There is no sign-up: accounts come from HR.
    Row("account_signup", expect(404)),
    # E-mail addresses belong to HR and the roster: a read-only page for everyone.
    Row("account_email", expect(200, anonymous=302)),
    Row("admin:index", expect(302, hr_admin=200, organiser=200)),
    Row("admin:accounts_user_roster_import", expect(403, **ADMIN_ONLY, hr_admin=200)),
    Row("admin:accounts_auditentry_export", expect(403, **ADMIN_ONLY, hr_admin=200)),
    Row(
        "admin:accounts_user_name_change",
        expect(403, **ADMIN_ONLY, hr_admin=200),
        kwargs=lambda w: {"object_id": w.member.pk},
        note="HR records a name change (dated, 旧姓 rule) through the service",
    ),
]

ADMIN_MODELS = {
    "accounts.user": (NO_ACCESS, VIEW_ADD),
    "accounts.department": (NO_ACCESS, VIEW_ADD),
    "accounts.auditentry": (NO_ACCESS, VIEW),
    # Careers (issue #14): read-only; written by the transfer and name-change services.
    "accounts.departmentassignment": (NO_ACCESS, VIEW),
    "accounts.namechange": (NO_ACCESS, VIEW),
    "auth.group": (NO_ACCESS, NO_ACCESS),
    "account.emailaddress": (NO_ACCESS, NO_ACCESS),
    "mfa.authenticator": (NO_ACCESS, NO_ACCESS),
    "socialaccount.socialapp": (NO_ACCESS, NO_ACCESS),
    "socialaccount.socialaccount": (NO_ACCESS, NO_ACCESS),
    "socialaccount.socialtoken": (NO_ACCESS, NO_ACCESS),
}
