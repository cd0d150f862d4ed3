"""An independent verifier: it trusts nothing of ours but what it fetches, and no code of ours.

It reads a kept VC-JWT the way a college's or an employer's software would: the issuer's key
from the did:web document the issuer names, the signature checked with PyJWT, the revocation
bit from the signed Bitstring Status List the credential points into (W3C Bitstring Status
List v1.0: multibase base64url of the GZIP-compressed bits, bit 0 the first byte's highest).
It never asks the site about one credential.
"""

import base64
import gzip
import json
from urllib.parse import unquote, urlsplit

import jwt
import pytest
from sqlalchemy import select

from learnhub.extensions import db
from learnhub.recognition import credentials as creds
from learnhub.recognition.models import Credential

BASE = "http://localhost"


class Untrusted(Exception):
    """The verifier's answer for anything it cannot rely on."""


def _fetch(client, url, fetched):
    """GET `url` from the site, as a verifier's HTTP client would (the test client is its network)."""
    parts = urlsplit(url)
    assert parts.netloc == urlsplit(BASE).netloc, url  # the test site answers plain http for https
    fetched.append(parts.path)
    answer = client.get(parts.path)
    if answer.status_code != 200:
        raise Untrusted(f"{url} answered {answer.status_code}")
    return answer


def _did_document_url(did):
    """did:web:host%3Aport:path -> https://host:port/path/did.json (or /.well-known/did.json)."""
    method, name, *rest = did.split(":", 2)
    if (method, name) != ("did", "web"):
        raise Untrusted(f"not a did:web issuer: {did}")
    segments = [unquote(part) for part in rest[0].split(":")]
    host, path = segments[0], "/".join(segments[1:])
    return f"https://{host}/{path + '/did.json' if path else '.well-known/did.json'}"


def _verified(client, token, fetched):
    """The claims of a VC-JWT whose signature its issuer's DID document vouches for."""
    header = jwt.get_unverified_header(token)
    issuer = jwt.decode(token, options={"verify_signature": False})["iss"]
    document = _fetch(client, _did_document_url(issuer), fetched).get_json()
    if document["id"] != issuer or header["kid"] not in document["assertionMethod"]:
        raise Untrusted("the key is not one the issuer asserts with")
    method = next(m for m in document["verificationMethod"] if m["id"] == header["kid"])
    key = jwt.PyJWK(method["publicKeyJwk"], algorithm="EdDSA").key
    try:
        return jwt.decode(token, key, algorithms=["EdDSA"], issuer=issuer)
    except jwt.InvalidTokenError as error:
        raise Untrusted(f"signature: {error}") from None


def _bit(encoded, index):
    if not encoded.startswith("u"):
        raise Untrusted("the list is not multibase base64url")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    if len(bits) * 8 < 131_072:
        raise Untrusted("the list is shorter than the specification's minimum")
    return (bits[index // 8] >> (7 - index % 8)) & 1


def verify(client, token):
    """'valid' or 'revoked' for a kept credential token; Untrusted if it cannot be relied on."""
    fetched = []
    claims = _verified(client, token, fetched)
    entry = claims["credentialStatus"]
    if entry["type"] != "BitstringStatusListEntry" or entry["statusPurpose"] != "revocation":
        raise Untrusted("no revocation list")
    listed = _verified(client, _fetch(client, entry["statusListCredential"], fetched).text, fetched)
    subject = listed["credentialSubject"]
    if (
        listed["iss"] != claims["iss"]
        or listed["id"] != entry["statusListCredential"]
        or "BitstringStatusListCredential" not in listed["type"]
        or subject["statusPurpose"] != "revocation"
    ):
        raise Untrusted("the list is not the issuer's revocation list")
    verify.fetched = fetched
    return "revoked" if _bit(subject["encodedList"], int(entry["statusListIndex"])) else "valid"


@pytest.fixture
def two_credentials(make_user, make_course, safety_course, finish):
    holder, other = make_user("verified", name="张建国"), make_user("neighbour", name="刘芳")
    finish(holder, safety_course)
    finish(other, safety_course)
    db.session.commit()
    return [db.session.scalar(select(Credential).where(Credential.user_id == u.id)) for u in (holder, other)]


def _token(client, credential):
    answer = client.get(f"/credentials/{credential.uuid}.jwt")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_a_revoked_credential_is_reported_revoked_from_the_status_list_alone(client, make_user, tree, two_credentials):
    mine, neighbours = two_credentials
    kept, kept_neighbour = _token(client, mine), _token(client, neighbours)  # as their holders saved them
    assert verify(client, kept) == "valid" and verify(client, kept_neighbour) == "valid"

    admin = make_user("revoker", role="admin", org=tree.city_a)
    creds.revoke(admin, mine, "证书信息有误")
    db.session.commit()

    assert verify(client, kept) == "revoked"
    assert verify(client, kept_neighbour) == "valid"  # one bit, one credential
    # What the verifier read: the issuer's DID document and the list; never this credential's own pages.
    assert set(verify.fetched) == {"/.well-known/did.json", "/credentials/status/1"}


def test_a_tampered_credential_fails_the_independent_check(client, two_credentials):
    head, body, signature = _token(client, two_credentials[0]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["credentialSubject"]["creditsEarned"] = 99
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(Untrusted, match="signature"):
        verify(client, f"{head}.{forged}.{signature}")


def test_the_credential_points_into_a_list_at_a_random_position(client, two_credentials):
    entries = [client.get(f"/credentials/{c.uuid}.json").get_json()["credentialStatus"] for c in two_credentials]
    assert {e["statusListCredential"] for e in entries} == {f"{BASE}/credentials/status/1"}
    assert entries[0]["statusListIndex"] != entries[1]["statusListIndex"]
    assert all(e["id"] == f"{e['statusListCredential']}#{e['statusListIndex']}" for e in entries)
    listed = client.get("/credentials/status/1")
    assert listed.mimetype == "application/vc+jwt" and listed.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in listed.headers["Cache-Control"]
    assert client.get("/credentials/status/2").status_code == 404
    assert client.get("/credentials/status/0").status_code == 404


def test_the_did_document_names_the_keys_that_sign(client, two_credentials):
    document = client.get("/.well-known/did.json")
    assert document.mimetype == "application/did+json"
    did = document.get_json()
    badge = client.get(f"/credentials/{two_credentials[0].uuid}.json").get_json()
    assert did["id"] == badge["issuer"]["id"] == "did:web:localhost"
    jwks = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert [m["publicKeyJwk"]["x"] for m in did["verificationMethod"]] == [k["x"] for k in jwks]
    assert "d" not in did["verificationMethod"][0]["publicKeyJwk"]


def test_a_port_is_encoded_in_the_did(app, client, monkeypatch, two_credentials):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://learn.example.cn:8443/zgh")
    badge = client.get(f"/credentials/{two_credentials[0].uuid}.json").get_json()
    assert badge["issuer"]["id"] == "did:web:learn.example.cn%3A8443:zgh"
    assert _did_document_url(badge["issuer"]["id"]) == "https://learn.example.cn:8443/zgh/did.json"
