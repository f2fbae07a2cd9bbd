"""A throw-away SAML 2.0 identity provider (pysaml2's `Server`) for the directory tests.

Run as its own process: `python -m tests.directory.saml_idp STATE_DIR PORT`. It answers
`/metadata` (its signed-by-certificate metadata), `/sso/redirect` (AuthnRequests by the
HTTP-Redirect binding: a login form), and `/sso/login` (checks the password and posts a
signed Response to the portal's ACS). The fixture writes `STATE_DIR/control.json`
(people, their attributes and AuthnContext, and the portal's SP metadata) before each
test. Not part of the product.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server

STATE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 0
BASE = f"http://127.0.0.1:{PORT}"


def control() -> dict:
    path = STATE / "control.json"
    return json.loads(path.read_text()) if path.exists() else {"people": {}, "sp_metadata": ""}


def server() -> Server:
    sp_metadata = STATE / "sp.xml"
    sp_metadata.write_text(control().get("sp_metadata", ""))
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{BASE}/metadata",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{BASE}/sso/redirect", BINDING_HTTP_REDIRECT)]
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_BASIC,
                        }
                    },
                    "sign_response": True,
                    "sign_assertion": True,
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": str(STATE / "idp.key"),
            "cert_file": str(STATE / "idp.crt"),
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {"local": [str(sp_metadata)]} if control().get("sp_metadata") else {},
        }
    )
    return Server(config=config)


def _form(request_b64: str, relay_state: str, error: str = "") -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>City SAML IdP</title></head>
<body><h1>City SAML identity provider</h1>{f'<p id="idp-error">{error}</p>' if error else ''}
<form method="post" action="/sso/login">
<input type="hidden" name="SAMLRequest" value="{html.escape(request_b64)}">
<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">
<label>username <input name="username" id="idp-username"></label>
<label>password <input name="password" type="password" id="idp-password"></label>
<button type="submit" id="idp-submit">sign in</button></form></body></html>""".encode()


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/metadata":
        from saml2.metadata import create_metadata_string

        body = create_metadata_string(None, config=server().config, valid=24)
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [body if isinstance(body, bytes) else body.encode()]
    if path == "/sso/redirect":
        query = parse_qs(environ["QUERY_STRING"])
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [_form(query["SAMLRequest"][0], query.get("RelayState", [""])[0])]
    if path == "/sso/login":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        person = control()["people"].get(form.get("username", ""))
        if not person or person["password"] != form.get("password"):
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [_form(form["SAMLRequest"], form.get("RelayState", ""),
                          "wrong username or password")]
        idp = server()
        request = idp.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT).message
        acs, binding = request.assertion_consumer_service_url, BINDING_HTTP_POST
        response = idp.create_authn_response(
            identity=person["attributes"],
            in_response_to=request.id,
            destination=acs,
            sp_entity_id=request.issuer.text,
            userid=form["username"],
            name_id_policy=None,
            authn={"class_ref": person.get("authn_context",
                                           "urn:oasis:names:tc:SAML:2.0:ac:classes:Password")},
            sign_response=True,
            sign_assertion=True,
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        http = idp.apply_binding(binding, str(response), acs, form.get("RelayState", ""),
                                 response=True)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [http["data"].encode() if isinstance(http["data"], str) else http["data"]]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    make_server("127.0.0.1", PORT, app, handler_class=_Quiet).serve_forever()
