"""Checks and normal forms for what people type: names, phone numbers, usernames."""

import re
import unicodedata

from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,31}$")
# Separators that appear in real names: middle dots (阿卜杜拉·艾则孜), hyphen, apostrophe, period.
_NAME_PUNCTUATION = set("·・.-'． ")


def clean_line(value):
    """NFC-normalise a one-line text and collapse its whitespace.

    NFC, not NFKC: full-width punctuation such as （） belongs in Chinese names.
    """
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def has_hidden_characters(value):
    """True if the text holds control or format characters (NUL, RTL override, zero-width)."""
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in value)


def normalise_phone(value):
    """A mainland mobile number as 11 ASCII digits, accepting +86, spaces, dashes, full width."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"[\s\-()]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not _PHONE.match(text):
        raise DomainError(_("Enter an 11-digit mobile number, such as 13812345678."), "phone")
    return text


def looks_like_phone(value):
    """True if the text is written like a phone number rather than a username."""
    text = re.sub(r"[\s\-()+]", "", unicodedata.normalize("NFKC", str(value or "")))
    return text.isdigit()


def normalise_username(value):
    """A username in lower case: 3-32 letters, digits, '.', '_' or '-', starting with a letter or digit."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    if not _USERNAME.match(text):
        raise DomainError(
            _("A username has 3 to 32 letters, digits, '.', '_' or '-', and starts with a letter or digit."),
            "username",
        )
    return text


def clean_person_name(value, field="name"):
    """A person's name: letters of any script with the separators real names use."""
    raw = unicodedata.normalize("NFC", str(value or ""))
    if has_hidden_characters(raw.replace("\t", " ")):
        raise DomainError(_("The name contains invisible or control characters."), field)
    text = " ".join(raw.split())
    if not text:
        raise DomainError(_("Enter a name."), field)
    if len(text) > 50:
        raise DomainError(_("A name has at most 50 characters."), field)
    for ch in text:
        category = unicodedata.category(ch)
        if not (category.startswith("L") or category.startswith("M") or ch in _NAME_PUNCTUATION):
            raise DomainError(_("A name may contain only letters, spaces and the marks · - ' ."), field)
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        raise DomainError(_("Enter a name."), field)
    return text


def mask_phone(phone):
    """138****1234: enough to recognise a number, not enough to call it."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
