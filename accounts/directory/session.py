"""What a sign-in through the city's identity provider leaves in the session."""

#: The user whose sign-in the identity provider asserted as multi-factor: written by the
#: social-account adapter, read and removed by the MFA step of that same sign-in.
IDP_MFA_PENDING = "directory_idp_mfa_user"
#: The lasting mark: this session's sign-in was multi-factor at the identity provider.
IDP_MFA_SESSION = "directory_idp_mfa"


def session_has_idp_mfa(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(IDP_MFA_SESSION))
