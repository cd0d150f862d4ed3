"""Languages and time zones: Chinese by default, English second, chosen per request."""

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


def select_locale():
    """The user's saved choice, else this browser's choice, else Accept-Language, else Chinese."""
    if not has_request_context():  # CLI commands and services run outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale:
        return normalise_locale(current_user.locale) or current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = normalise_locale(session.get("locale"))
    if chosen:
        return chosen
    for language, _quality in request.accept_languages:
        chosen = normalise_locale(language)
        if chosen:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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
    translates some 250 labels and options. It is kept on `g` beside the locale it belongs
    to, so that a change of locale within a request (refresh, force_locale) still counts.
    """

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        locale = get_locale()
        cached = g.get("_learnhub_translations")
        if cached is not None and cached[0] is locale:
            return cached[1]
        translations = super().get_translations()
        g._learnhub_translations = (locale, translations)
        return translations


def init_app(app):
    babel.domain_instance = _RequestDomain()
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": (
        format_datetime(value, fmt) if value else ""
    )
