"""The Ed25519 key that signs credentials as VC-JWTs, and the JWKS and did:web document that publish it.

The issuer is named by a did:web DID made from the public address (did:web:learnhub.example.cn),
whose document at /.well-known/did.json lists the key; a token's `kid` is that key's DID URL.

Where the key comes from, first match wins:
- CREDENTIAL_KEY: the PEM itself (an environment variable or a secret store);
- CREDENTIAL_KEY_PATH: a PEM file, created on first use if missing;
- instance/credential-signing-key.pem, created on first use.
Several servers must share one key (either of the first two); otherwise each would sign
with its own and publish only its own.
"""

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from datetime import UTC
from urllib.parse import quote, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _

_CACHE = "recognition_signing_key"
MAX_TOKEN_LENGTH = 20_000


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_path(app=None):
    """The file the signing key lives in when it is not given as PEM text."""
    app = app or current_app
    return app.config.get("CREDENTIAL_KEY_PATH") or os.path.join(app.instance_path, "credential-signing-key.pem")


def _generate(path):
    """Write a new key to `path` unless one is there; the first of racing processes wins."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".key-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pem)
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):  # another process got there first
            os.link(temporary, path)  # atomic
    finally:
        os.unlink(temporary)


def signing_key():
    """(private key, kid): loaded once per process and path."""
    pem = current_app.config.get("CREDENTIAL_KEY")
    source = "env" if pem else key_path()
    cached = current_app.extensions.get(_CACHE)
    if cached and cached[0] == source:
        return cached[1], cached[2]
    if not pem:
        if not os.path.exists(source):
            _generate(source)
        with open(source, "rb") as fh:
            pem = fh.read()
    key = serialization.load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError("the credential signing key must be an Ed25519 key")
    kid = thumbprint(public_jwk(key))
    current_app.extensions[_CACHE] = (source, key, kid)
    return key, kid


def public_jwk(private_key):
    """The public half as a JWK (RFC 8037)."""
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}


def thumbprint(jwk):
    """The JWK thumbprint (RFC 7638), used as the key id."""
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x")}, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def jwks():
    """The published key set."""
    key, kid = signing_key()
    return {"keys": [dict(public_jwk(key), kid=kid, use="sig", alg="EdDSA")]}


def did_web(base_url):
    """The did:web DID of the site at `base_url`: its host (a port's colon encoded), then its path."""
    parts = urlsplit(base_url)
    path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", quote(parts.netloc, safe="")] + path)


def did_document(base_url):
    """The DID document that names our signing key as the issuer's assertion method."""
    key, kid = signing_key()
    did = did_web(base_url)
    method = f"{did}#{kid}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jws/v1"],
        "id": did,
        "verificationMethod": [
            {"id": method, "type": "JsonWebKey", "controller": did, "publicKeyJwk": dict(public_jwk(key), kid=kid)}
        ],
        "assertionMethod": [method],
    }


def _sign(claims, issuer_did):
    key, kid = signing_key()
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": f"{issuer_did}#{kid}", "typ": "vc+jwt"})


def sign_credential(badge):
    """The OpenBadgeCredential `badge` as a VC-JWT: its claims plus iss, jti, sub and nbf."""
    from datetime import datetime

    issued = datetime.strptime(badge["validFrom"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    claims = dict(badge)
    claims.update(
        iss=badge["issuer"]["id"],
        jti=badge["id"],
        sub=badge["id"] + "#subject",
        nbf=int(issued.timestamp()),
        iat=int(issued.timestamp()),
    )
    return _sign(claims, badge["issuer"]["id"])


def sign_status_list(status_list):
    """A BitstringStatusListCredential as a VC-JWT, signed as the credentials it speaks for."""
    return _sign(dict(status_list, iss=status_list["issuer"], jti=status_list["id"]), status_list["issuer"])


def verify_token(token, base_url):
    """The claims of a VC-JWT this server signed, or a DomainError saying it cannot be trusted.

    Its `iss` must be our did:web DID (or, in tokens signed before there was one, our public
    address with its final slash), and its id and status must lie under our address, or a
    holder could send verifiers elsewhere.
    """
    base = base_url.rstrip("/")
    token = "".join(str(token or "").split())
    if not token:
        raise DomainError(_("Paste the signed credential (a long text in three parts, separated by dots)."), "token")
    if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise DomainError(
            _("This is not a signed credential: it should be a long text in three parts, separated by dots."), "token"
        )
    key, kid = signing_key()
    try:
        header = jwt.get_unverified_header(token)
        if str(header.get("kid") or kid).rsplit("#", 1)[-1] != kid:
            raise DomainError(_("This credential was not signed with our key."), "token")
        claims = jwt.decode(
            token,
            key.public_key(),
            algorithms=["EdDSA"],
            options={"require": ["jti", "iss", "nbf"], "verify_aud": False},
            issuer=[did_web(base), f"{base}/"],
            leeway=300,
        )
    except DomainError:
        raise
    except jwt.InvalidIssuerError:
        raise DomainError(_("This credential names another address as its issuer: do not trust it."), "token") from None
    except jwt.InvalidSignatureError:
        raise DomainError(
            _("The signature does not match: this credential has been altered or was not issued by us."), "token"
        ) from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise DomainError(_("This is not a signed credential we can read."), "token") from None
    jti = str(claims["jti"])
    status = claims.get("credentialStatus")
    status = status if isinstance(status, dict) else {}
    lists = f"{base}/credentials/status/"
    our_status = (
        str(status.get("statusListCredential", "")).startswith(lists)
        if status.get("type") == "BitstringStatusListEntry"
        else status.get("id") in (None, f"{jti}/status")  # the form of tokens signed before the lists
    )
    if not jti.startswith(f"{base}/credentials/") or not our_status:
        raise DomainError(_("This credential names another address as its issuer: do not trust it."), "token")
    return claims
