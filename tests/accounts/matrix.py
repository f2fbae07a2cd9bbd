from tests.matrix import NO_ACCESS, VIEW, VIEW_ADD, Row, expect

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
]

ADMIN_MODELS = {
    "accounts.user": (NO_ACCESS, VIEW_ADD),
    "accounts.department": (NO_ACCESS, VIEW_ADD),
    "accounts.auditentry": (NO_ACCESS, VIEW),
    "auth.group": (NO_ACCESS, NO_ACCESS),
    "account.emailaddress": (NO_ACCESS, NO_ACCESS),
    "mfa.authenticator": (NO_ACCESS, NO_ACCESS),
    "socialaccount.socialapp": (NO_ACCESS, NO_ACCESS),
    "socialaccount.socialaccount": (NO_ACCESS, NO_ACCESS),
    "socialaccount.socialtoken": (NO_ACCESS, NO_ACCESS),
}
