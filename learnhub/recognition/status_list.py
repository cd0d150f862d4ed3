"""Revocation as a W3C Bitstring Status List, which any verifier reads without asking about one credential.

Each credential holds a bit, drawn at random when it is issued, in one of the lists published
at /credentials/status/<n> (a signed BitstringStatusListCredential). Revoking a credential
sets its bit; a verifier fetches the list, checks its signature against our keys, and reads
the bit at the credential's statusListIndex. Nobody learns from a fetch which credential was
checked, and a list's positions say nothing of the order credentials were issued in.
"""

import base64
import gzip
import secrets
from datetime import UTC, datetime

from sqlalchemy import func, select

from learnhub.extensions import db
from learnhub.recognition.models import Credential

# Bits in one list: the specification's minimum (16 KB), large enough for herd privacy.
LIST_SIZE = 131_072
PURPOSE = "revocation"


def draw_index():
    """A free position for a new credential, at random, in lists kept at most half full."""
    issued = db.session.scalar(select(func.count()).select_from(Credential))
    capacity = LIST_SIZE * (issued // (LIST_SIZE // 2) + 1)
    while True:
        candidate = secrets.randbelow(capacity)
        taken = db.session.scalar(select(Credential.id).where(Credential.status_index == candidate))
        if taken is None:
            return candidate


def list_number(index):
    """The list a position lies in, counted from 1 as in its address."""
    return index // LIST_SIZE + 1


def list_count():
    """How many lists there are: every one that holds a credential, and at least one."""
    highest = db.session.scalar(select(func.max(Credential.status_index)))
    return list_number(highest or 0)


def status_entry(credential, base_url):
    """The credential's `credentialStatus`: a BitstringStatusListEntry pointing at its bit."""
    list_url = f"{base_url}/credentials/status/{list_number(credential.status_index)}"
    position = credential.status_index % LIST_SIZE
    return {
        "id": f"{list_url}#{position}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(position),
        "statusListCredential": list_url,
    }


def encode_bits(positions):
    """The specification's encodedList: 'u' + base64url(gzip(bits)), bit 0 the first byte's highest."""
    bits = bytearray(LIST_SIZE // 8)
    for position in positions:
        bits[position // 8] |= 0x80 >> (position % 8)
    # mtime=0: the same bits give the same bytes, so an ETag or a cache can compare them.
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def status_list_credential(number, base_url, issuer):
    """List `number` as an unsigned BitstringStatusListCredential (signing.py signs it)."""
    first = (number - 1) * LIST_SIZE
    revoked = db.session.scalars(
        select(Credential.status_index).where(
            Credential.status_index >= first,
            Credential.status_index < first + LIST_SIZE,
            Credential.revoked_at.is_not(None),
        )
    ).all()
    list_url = f"{base_url}/credentials/status/{number}"
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode_bits(index - first for index in revoked),
        },
    }
