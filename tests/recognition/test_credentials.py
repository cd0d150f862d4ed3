"""Credentials: the public page, Open Badges JSON, the VC-JWT and its keys, revocation."""

import base64
import json

import jwt
import pytest
from sqlalchemy import select

from learnhub.extensions import db
from learnhub.recognition.models import Credential


@pytest.fixture
def holder(make_user):
    return make_user("li.ming", name="李明辉", locale="en")


@pytest.fixture
def credential(holder, safety_course, finish):
    finish(holder, safety_course)
    return db.session.scalar(select(Credential).where(Credential.user_id == holder.id))


def _jwks(client):
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return response.get_json()


def test_a_stranger_sees_what_was_achieved_by_whom_masked(client, credential):
    page = client.get(f"/credentials/{credential.uuid}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert credential.title in html and "李*辉" in html and "李明辉" not in html
    assert "1.5" in html and "Valid" in html and "LearnHub" in html
    assert '<svg role="img"' in html and 'class="qr"' in html  # the QR code, drawn inline
    assert 'src="http' not in html  # nothing fetched from another host


def test_the_json_is_an_open_badges_credential(client, credential):
    badge = client.get(f"/credentials/{credential.uuid}.json").get_json()
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in badge["@context"]
    assert badge["id"].endswith(f"/credentials/{credential.uuid}")
    subject = badge["credentialSubject"]
    assert subject["achievement"]["criteria"]["narrative"]
    assert subject["achievement"]["name"] == credential.title
    assert subject["creditsEarned"] == 1.5
    assert subject["result"][0]["value"] == "0.67"  # 30 minutes, in 学时 of 45 minutes
    assert subject["name"] == "李*辉"
    assert badge["validFrom"].endswith("Z")


def test_a_standard_library_verifies_the_signature_offline(client, credential):
    token = client.get(f"/credentials/{credential.uuid}.jwt").get_data(as_text=True)
    keys = _jwks(client)["keys"]
    header = jwt.get_unverified_header(token)
    # The kid is the key's DID URL (did:web:localhost#<thumbprint>); the JWKS names it by its fragment.
    key = next(k for k in keys if header["kid"] == f"did:web:localhost#{k['kid']}")
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["EdDSA"])
    assert client.get("/.well-known/jwks.json").headers["Access-Control-Allow-Origin"] == "*"
    badge = client.get(f"/credentials/{credential.uuid}.json").get_json()
    assert claims["jti"] == badge["id"] and claims["iss"] == badge["issuer"]["id"]
    assert claims["credentialSubject"] == badge["credentialSubject"]


def _tamper(token):
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["credentialSubject"]["creditsEarned"] = 999
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{signature}"


def test_a_changed_payload_or_signature_fails_verification(client, credential):
    token = client.get(f"/credentials/{credential.uuid}.jwt").get_data(as_text=True)
    key = jwt.PyJWK(_jwks(client)["keys"][0]).key
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(_tamper(token), key, algorithms=["EdDSA"])
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-4]}{'AAAA' if not signature.endswith('AAAA') else 'BBBB'}"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key, algorithms=["EdDSA"])


def test_the_check_page_tells_genuine_from_altered(client, auth, credential):
    token = client.get(f"/credentials/{credential.uuid}.jwt").get_data(as_text=True)
    headers = {"Accept-Language": "en"}
    genuine = auth.post("/credentials/verify", {"token": token}, headers=headers)
    assert genuine.status_code == 200 and "Genuine and valid" in genuine.get_data(as_text=True)
    altered = auth.post("/credentials/verify", {"token": _tamper(token)}, headers=headers)
    assert altered.status_code == 400 and "altered" in altered.get_data(as_text=True)
    for junk in ["", "not a token", "a.b.c", "x" * 30000, "eyJhbGciOiJub25lIn0.e30."]:
        response = auth.post("/credentials/verify", {"token": junk}, headers=headers)
        assert response.status_code == 400


def test_an_unsigned_token_is_refused(client, auth, credential):
    badge = client.get(f"/credentials/{credential.uuid}.json").get_json()
    unsigned = jwt.encode(dict(badge, jti=badge["id"], iss="x", nbf=0), key=None, algorithm="none")
    response = auth.post("/credentials/verify", {"token": unsigned}, headers={"Accept-Language": "en"})
    assert response.status_code == 400


@pytest.mark.parametrize("cid", ["00000000-0000-4000-8000-000000000000", "nope", "1 OR 1=1", "%00", "9" * 200])
def test_an_unknown_or_forged_id_is_a_clear_404(client, cid):
    page = client.get(f"/credentials/{cid}", headers={"Accept-Language": "en"})
    # An address with a control character is refused for the whole site before any view runs.
    message = "This page does not exist" if cid == "%00" else "No credential has this number"
    assert page.status_code == 404 and message in page.get_data(as_text=True)
    assert client.get(f"/credentials/{cid}.json").status_code == 404
    assert client.get(f"/credentials/{cid}/status").status_code == 404


def test_an_admin_in_scope_revokes_with_a_reason_everyone_sees(client, auth, make_user, credential, tree):
    token = client.get(f"/credentials/{credential.uuid}.jwt").get_data(as_text=True)  # kept by the holder
    make_user("boss", role="admin", org=tree.city_a, locale="en")
    auth.login("boss")
    page = client.get(f"/credentials/{credential.uuid}").get_data(as_text=True)
    assert "Revoke this credential" in page
    refused = auth.post(f"/credentials/{credential.uuid}/revoke", {"reason": ""})
    assert refused.status_code == 400 and db.session.get(Credential, credential.id).revoked_at is None
    response = auth.post(f"/credentials/{credential.uuid}/revoke", {"reason": "考试作弊"})
    assert response.status_code == 302
    auth.logout()
    page = client.get(f"/credentials/{credential.uuid}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Revoked" in page and "考试作弊" in page
    status = client.get(f"/credentials/{credential.uuid}/status").get_json()
    assert status["status"] == "revoked" and status["reason"] == "考试作弊"
    # The signed forms are no longer handed out: they say revoked.
    for suffix in (".jwt", ".json"):
        gone = client.get(f"/credentials/{credential.uuid}{suffix}")
        assert gone.status_code == 410 and gone.is_json
        assert gone.get_json()["status"] == "revoked" and gone.get_json()["reason"] == "考试作弊"
        assert "eyJ" not in gone.get_data(as_text=True)
    checked = auth.post("/credentials/verify", {"token": token}, headers={"Accept-Language": "en"})
    assert "was revoked" in checked.get_data(as_text=True)


def test_a_credential_names_the_public_address_whatever_host_was_asked(app, client, auth, monkeypatch, credential):
    # A holder asking with Host: evil.example must not get a token pointing verifiers at evil.example.
    from learnhub.recognition import credentials as creds
    from learnhub.recognition.signing import sign_credential

    forged = sign_credential(creds.open_badge(credential, "http://evil.example"))
    checked = auth.post("/credentials/verify", {"token": forged}, headers={"Accept-Language": "en"})
    assert checked.status_code == 400 and "Genuine" not in checked.get_data(as_text=True)
    # Nor one whose issuer is ours but whose id and status point elsewhere.
    badge = creds.open_badge(credential, "http://evil.example")
    badge["issuer"] = creds.open_badge(credential, "http://localhost")["issuer"]
    checked = auth.post("/credentials/verify", {"token": sign_credential(badge)}, headers={"Accept-Language": "en"})
    assert checked.status_code == 400 and "Genuine" not in checked.get_data(as_text=True)


@pytest.mark.parametrize("who", ["outsider", "worker"])
def test_nobody_else_can_revoke(client, auth, make_user, credential, tree, who):
    if who == "outsider":
        make_user("far.admin", role="admin", org=tree.prov_b)
        auth.login("far.admin")
    else:
        make_user("peer", org=tree.ent_a1)
        auth.login("peer")
    assert "Revoke this credential" not in client.get(f"/credentials/{credential.uuid}").get_data(as_text=True)
    response = auth.post(f"/credentials/{credential.uuid}/revoke", {"reason": "乱撤销"})
    assert response.status_code == 404
    assert db.session.get(Credential, credential.id).revoked_at is None


def test_the_key_is_made_once_and_kept(app, client, tmp_path):
    first = _jwks(client)["keys"][0]
    app.extensions.pop("recognition_signing_key")  # as a restarted process would
    assert _jwks(client)["keys"][0] == first
    assert (tmp_path / "signing-key.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert first["kty"] == "OKP" and first["crv"] == "Ed25519" and "d" not in first


def test_servers_can_share_a_key_given_as_pem(app, client, monkeypatch, credential):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = (
        Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    monkeypatch.setitem(app.config, "CREDENTIAL_KEY", pem)
    token = client.get(f"/credentials/{credential.uuid}.jwt").get_data(as_text=True)
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    claims = jwt.decode(token, load_pem_private_key(pem.encode(), None).public_key(), algorithms=["EdDSA"])
    assert claims["jti"].endswith(credential.uuid)


def test_public_base_url_names_the_credentials(app, client, monkeypatch, credential):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://learnhub.example.cn/")
    badge = client.get(f"/credentials/{credential.uuid}.json").get_json()
    assert badge["id"] == f"https://learnhub.example.cn/credentials/{credential.uuid}"
    assert f"https://learnhub.example.cn/credentials/{credential.uuid}" in client.get(
        f"/credentials/{credential.uuid}"
    ).get_data(as_text=True)


def test_names_are_masked_enough_to_match_a_person():
    from learnhub.recognition.credentials import mask_name

    assert mask_name("李明辉") == "李*辉"
    assert mask_name("王丽") == "王*"
    assert mask_name("欧阳修文") == "欧**文"
    assert mask_name("阿卜杜拉·艾则孜") == "阿******孜"
    assert mask_name("Li Minghui") == "L. M******"
    assert mask_name("") == ""


def test_reversing_a_courses_credits_revokes_its_credential(make_user, tree, credential, holder):
    from learnhub.credits import services as credits
    from learnhub.credits.models import Account, LedgerEntry

    admin = make_user("boss", role="admin", org=tree.city_a)
    entry = db.session.scalars(
        select(LedgerEntry)
        .join(Account)
        .where(Account.user_id == holder.id, LedgerEntry.course_id == int(credential.source_id))
        .order_by(LedgerEntry.id)
    ).first()
    credits.reverse_entry(entry, reason="考试替考", created_by=admin)
    db.session.refresh(credential)
    assert credential.is_revoked and credential.revoked_by_id == admin.id and "考试替考" in credential.revoke_reason
    # Another reversal of the same course changes nothing more.
    other = db.session.scalars(
        select(LedgerEntry)
        .join(Account)
        .where(Account.user_id == holder.id, LedgerEntry.kind != "reversal", LedgerEntry.id != entry.id)
    ).first()
    if other is not None:
        credits.reverse_entry(other, reason="另一条", created_by=admin)
        db.session.refresh(credential)
        assert "考试替考" in credential.revoke_reason


def test_the_issuer_named_is_the_union_behind_the_course(client, make_user, make_course, finish, tree):
    course = make_course("city-course", modules=(("only", "lesson", "1", 10),), org_id=tree.city_a.id)
    holder = make_user("city.learner", org=tree.ent_a1, locale="en")
    finish(holder, course)
    credential = db.session.scalar(select(Credential).where(Credential.user_id == holder.id))
    badge = client.get(f"/credentials/{credential.uuid}.json").get_json()
    assert badge["issuer"]["name"] == tree.city_a.name and badge["issuer"]["id"] == "did:web:localhost"
    page = client.get(f"/credentials/{credential.uuid}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"issued by {tree.city_a.name} through LearnHub" in page
