"""An e-mail backend for tests whose SMTP server refuses chosen recipients.

`FlakyBackend.refuse` maps an address to how many more times it is refused (then it is
accepted). Accepted messages go to `django.core.mail.outbox`, as with the locmem backend.
"""

from __future__ import annotations

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    refuse: dict[str, int] = {}

    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                if self.refuse.get(address, 0) > 0:
                    self.refuse[address] -= 1
                    raise smtplib.SMTPRecipientsRefused({address: (451, b"try again later")})
        return super().send_messages(messages)


def outbox_recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)
