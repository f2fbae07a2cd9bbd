"""The MFA step of a sign-in, aware of an identity provider's own MFA."""

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage

from .session import IDP_MFA_PENDING, IDP_MFA_SESSION


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's TOTP step, skipped only for the sign-in the identity provider asserted
    as multi-factor (`amr`). The assertion belongs to one sign-in of one person: it is
    consumed here, and a password sign-in in the same browser never inherits it."""

    def _should_handle(self, request) -> bool:
        asserted_for = request.session.pop(IDP_MFA_PENDING, None)
        by_idp = self.login.user is not None and asserted_for == self.login.user.pk
        request.session[IDP_MFA_SESSION] = by_idp
        if by_idp:
            return False
        return super()._should_handle(request)

