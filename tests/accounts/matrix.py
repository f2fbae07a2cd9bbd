from tests.matrix import Row, expect

ROWS = [
    Row("home", expect(200, anonymous=302)),
    Row("healthz", expect(200)),
    # There is no sign-up: accounts come from HR.
    Row("account_signup", expect(404)),
    # E-mail addresses belong to HR and the roster: a read-only page for everyone.
    Row("account_email", expect(200, anonymous=302)),
    Row("admin:index", expect(302, hr_admin=200, organiser=200)),
]
