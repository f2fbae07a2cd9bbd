from allauth.account.adapter import DefaultAccountAdapter

_ALLAUTH_MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Accounts come from HR (admin and roster import), never from sign-up."""
        return False

    def get_login_stages(self):
        """allauth's stages, with its TOTP step replaced by ours, which knows when the
        city's identity provider already asked for a second factor."""
        return [
            "accounts.directory.stages.AuthenticateStage" if stage == _ALLAUTH_MFA_STAGE else stage
            for stage in super().get_login_stages()
        ]
