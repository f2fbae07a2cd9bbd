"""Portable, verifiable certificates: each certification as an Open Badges 3.0
credential (W3C VC Data Model 2.0) signed by the city's Ed25519 key (VC-JOSE compact JWS).

    keys           the signing keys in files (create, rotate, retire; the JWK Set)
    build          certification → OpenBadgeCredential (plain data; validFrom in one place)
    jose           compact JWS signing (EdDSA)
    status_list    the revocation list (Bitstring Status List) from the database
    verify         an outside verifier's checks, over HTTP only (the command uses it)
    models/services/selectors/views   the status-list index, its one write, reads, URLs
"""
