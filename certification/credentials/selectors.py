"""Reads for the credentials: one certification with what its credential needs."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import selectors
from ..models import Certification
from . import build
from .jose import sign_compact
from .keys import signing_key
from .models import CredentialStatus
from .reissue import certificate_holder_name, reissue_of
from .services import credential_status_assign


def certification_for_credential(*, public_id) -> Certification:
    """The certification with its holder and status-list index (one query); 404 if none.
    Revoked ones too: their credential still exists, and its status bit says revoked."""
    return get_object_or_404(
        Certification.objects.select_related("user", "credential_status").only(
            "pk",
            "public_id",
            "level",
            "fiscal_year",
            "status",
            "evidence",
            "decided_on",
            "user__last_name",
            "user__first_name",
            "credential_status__status_list_index",
        ),
        public_id=public_id,
    )


def issued_credential(*, public_id) -> tuple[dict, str]:
    """The credential of a certification as (payload, compact JWS), signed with the active
    key: a few queries (certification, its name, rule sets, the first time an index).

    A certificate superseded by a re-issue (`CertificateReissue`) is served as it was
    issued: its own id and the name it carried (the same status-list entry)."""
    try:
        certification = certification_for_credential(public_id=public_id)
    except Http404:
        reissue = reissue_of(public_id=public_id)
        if reissue is None:
            raise
        certification = certification_for_credential(public_id=reissue.certification.public_id)
        certification.public_id = reissue.public_id  # not saved: builds the old credential
        holder_name = reissue.holder_name
    else:
        holder_name = certificate_holder_name(certification)
    try:
        entry = certification.credential_status
    except CredentialStatus.DoesNotExist:
        entry = credential_status_assign(certification=certification)
    key = signing_key()
    payload = build.credential(
        certification,
        holder_name=holder_name,
        status_list_index=entry.status_list_index,
        rule_sets=selectors.rule_sets(),
    )
    return payload, sign_compact(payload, key=key)
