"""Languages and time zones: Chinese by default, English second, chosen per request.

Every module and template translates with `gettext`, `ngettext` and `lazy_gettext` from here
(`pgettext` and `lazy_pgettext` where one English word is two Chinese ones: the page "Recognised"
成果认定 and the status "Recognised" 已认定),
and switches language for a while with `force_locale` from here. They are flask-babel's, but for
one thing: the request's catalogue is looked up once (flask-babel's public `get_translations()`,
kept on `g` until `force_locale` changes the language), where flask-babel looks it up anew for
every string. A catalogue page translates some 300 strings, and the lookups took a quarter of
its server time (bench/instructions.py, catalogue: 36.0 M instructions a request with
flask-babel's own gettext).
"""

from contextlib import contextmanager
from functools import lru_cache

import flask_babel
from babel import Locale
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import LazyString, format_date, format_datetime, get_locale, get_translations
from flask_login import current_user

from learnhub.extensions import babel

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def normalise_locale(value):
    """Map what a browser or a user says ('zh-Hans', 'en-GB', 'zh_CN') to a locale we serve."""
    if not value:
        return None
    value = value.replace("-", "_").lower()
    if value.startswith("zh"):
        return "zh_CN"
    if value.startswith("en"):
        return "en"
    return None


@lru_cache(maxsize=8)
def _locale(tag):
    """One Locale object per tag: Babel's Locale.parse scans every known locale (0.2 ms)."""
    return Locale.parse(tag)


def select_locale():
    """The user's saved choice, else this browser's choice, else Accept-Language, else Chinese."""
    return _locale(_chosen_locale())


def _chosen_locale():
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # CLI commands and services run outside a request
        return default
    # The API answers in the language its caller asks for (Accept-Language): no cookie, no session.
    if not request.path.startswith("/api/"):
        if current_user and current_user.is_authenticated and current_user.locale:
            return normalise_locale(current_user.locale) or default
        chosen = normalise_locale(session.get("locale"))
        if chosen:
            return chosen
    for language, _quality in request.accept_languages:
        chosen = normalise_locale(language)
        if chosen:
            return chosen
    return default


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def html_lang(locale):
    """The BCP 47 tag for <html lang>."""
    return "zh-CN" if str(locale).startswith("zh") else str(locale)


def current_language():
    """'zh_CN' or 'en': the catalogue this request is served in."""
    return normalise_locale(str(get_locale())) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _translations():
    """The catalogue of this request's language, looked up once.

    A page translates a hundred strings or more: one look-up of `g` each (three cost 5 % of the
    catalogue page's instructions).
    """
    try:
        return g._translations
    except AttributeError:
        g._translations = get_translations()
        return g._translations
    except RuntimeError:  # outside any app: flask-babel's untranslated catalogue
        return get_translations()


@contextmanager
def force_locale(locale):
    """Translate into `locale` within the block (flask-babel's force_locale, and the catalogue with it)."""
    kept = g.pop("_translations", None) if has_app_context() else None
    try:
        with flask_babel.force_locale(locale):
            yield
    finally:
        if has_app_context():
            g.pop("_translations", None)
            if kept is not None:
                g._translations = kept


def gettext(string, **variables):
    """`string` in the request's language, formatted with `variables` (as flask-babel's gettext)."""
    translated = _translations().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular, plural, num, **variables):
    """The singular or plural form for `num`, available as %(num)d (as flask-babel's ngettext)."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def _template_ngettext(singular, plural, num):
    # Jinja formats the result with the template's variables itself.
    return _translations().ungettext(singular, plural, num)


def lazy_gettext(string, **variables):
    """`gettext`, done when the string is used (labels of forms, menus and models)."""
    return LazyString(gettext, string, **variables)


def pgettext(context, string, **variables):
    """`string` as meant in `context` (a word that another language says two ways)."""
    translated = _translations().pgettext(context, string)
    return translated % variables if variables else translated


def _template_pgettext(context, string):
    # Jinja formats the result with the template's variables itself.
    return _translations().pgettext(context, string)


def lazy_pgettext(context, string, **variables):
    """`pgettext`, done when the string is used."""
    return LazyString(pgettext, context, string, **variables)


def day_text(value, fmt="long"):
    """A day as a person reads it, in the request's language ("2026年3月1日", "March 1, 2026"); "" for None."""
    return format_date(value, fmt) if value else ""


def init_app(app):
    """Bind flask-babel (it picks the locale per request) and give templates these gettext functions."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(
        gettext=gettext, ngettext=_template_ngettext, newstyle=True, pgettext=_template_pgettext
    )
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": format_datetime(value, fmt) if value else ""
    # A day in the user's zone, no clock ("2026年3月1日"): for "completed on" and other dates a person reads.
    app.jinja_env.filters["date"] = lambda value, fmt="long": day_text(value, fmt)
