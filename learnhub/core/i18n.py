"""Languages and time zones: Chinese by default, English second, chosen per request."""

from functools import lru_cache

from babel import Locale
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, format_datetime, get_locale
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


class _RequestDomain(Domain):
    """flask-babel's Domain, remembering the catalogue it found for the request's locale.

    flask-babel looks the catalogue up again for every string, through the request context
    three times: 30 µs a string, a third of the server time of the catalogue page, which
    translates some 250 labels and options. It is kept on `g` beside flask-babel's own
    per-request state and the locale it belongs to, so that a change of locale within a
    request (refresh, force_locale) still counts; checking that costs one look at `g`.
    """

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        cached = g.get("_learnhub_translations")
        if cached is not None and getattr(cached[0], "babel_locale", None) is cached[1]:
            return cached[2]
        locale = get_locale()  # sets flask-babel's g._flask_babel.babel_locale
        translations = super().get_translations()
        g._learnhub_translations = (g._flask_babel, locale, translations)
        return translations


# The one domain, and its functions: every module translates with these rather than
# flask-babel's module-level ones, which find the domain through the request context anew
# for every string.
domain = _RequestDomain()
gettext = domain.gettext
ngettext = domain.ngettext
lazy_gettext = domain.lazy_gettext


def init_app(app):
    babel.domain_instance = domain
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    # Templates translate straight through the domain (flask-babel's callables find the
    # domain through the request context again for every string).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": (
        format_datetime(value, fmt) if value else ""
    )
