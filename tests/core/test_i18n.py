"""Every string a user can see is in the Chinese catalogue, translated."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "learnhub" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def _catalogue():
    with PO.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def _source_messages():
    method_map = [("learnhub/**.py", "python"), ("learnhub/**/templates/**.html", "jinja2")]
    options = {"learnhub/**/templates/**.html": {"extensions": "jinja2.ext.do"}}
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "_l": None,
        "lazy_gettext": None,
        "lazy_pgettext": ((1, "c"), 2),
    }
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        text = message if isinstance(message, str) else message[0]
        found.add((_context, text) if _context else text)
    return found


def test_every_source_string_is_in_the_catalogue():
    catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.id}
    catalogue |= {(m.context, m.id) for m in _catalogue() if m.context}
    missing = sorted(_source_messages() - catalogue)
    assert not missing, f"run `make messages` and translate: {missing}"


def test_every_entry_is_translated_and_not_fuzzy():
    bad = [
        m.id
        for m in _catalogue()
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))
    ]
    assert not bad


def test_a_request_translates_in_its_language_and_force_locale_switches_for_a_while(app):
    from learnhub.core.i18n import force_locale, gettext, lazy_gettext, ngettext

    label = lazy_gettext("Recognition")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert gettext("Recognition") == "Recognition" and str(label) == "Recognition"
        with force_locale("zh_CN"):  # e.g. a revocation reason that strangers read in Chinese
            assert gettext("Recognition") == "学习成果认定" and str(label) == "学习成果认定"
        assert gettext("Recognition") == "Recognition"
        assert ngettext("%(num)d attempt left.", "%(num)d attempts left.", 2) == "2 attempts left."


def test_one_english_word_is_two_chinese_ones_by_context(app):
    """The page 成果认定 and the status 已认定 are both "Recognised" in English."""
    from learnhub.core.i18n import force_locale, lazy_pgettext, pgettext

    status = lazy_pgettext("status", "Recognised")
    with app.test_request_context("/"), force_locale("zh_CN"):
        assert (pgettext("feature", "Recognised"), str(status)) == ("成果认定", "已认定")
        rendered = app.jinja_env.from_string('{{ pgettext("status", "Recognised") }}').render()
        assert rendered == "已认定"
    with app.test_request_context("/"), force_locale("en"):
        assert pgettext("feature", "Recognised") == str(status) == "Recognised"
