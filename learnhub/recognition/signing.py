"""The Ed25519 key that signs credentials as VC-JWTs, and the JWKS that publishes it.

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


def sign_credential(badge):
    """The OpenBadgeCredential `badge` as a VC-JWT: its claims plus iss, jti, sub and nbf."""
    from datetime import datetime

    key, kid = signing_key()
    issued = datetime.strptime(badge["validFrom"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    claims = dict(badge)
    claims.update(
        iss=badge["issuer"]["id"],
        jti=badge["id"],
        sub=badge["id"] + "#subject",
        nbf=int(issued.timestamp()),
        iat=int(issued.timestamp()),
    )
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"})


def verify_token(token, issuer):
    """The claims of a VC-JWT this server signed, or a DomainError saying it cannot be trusted.

    `issuer` is our public address with its final slash: the token's `iss` must be it, and its
    id and status check must lie under it, or a holder could send verifiers elsewhere.
    """
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
        if header.get("kid") not in (None, kid):
            raise DomainError(_("This credential was not signed with our key."), "token")
        claims = jwt.decode(
            token,
            key.public_key(),
            algorithms=["EdDSA"],
            options={"require": ["jti", "iss", "nbf"], "verify_aud": False},
            issuer=issuer,
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
    status_id = status.get("id") if isinstance(status, dict) else None
    if not jti.startswith(f"{issuer}credentials/") or status_id not in (None, f"{jti}/status"):
        raise DomainError(_("This credential names another address as its issuer: do not trust it."), "token")
    return claims
