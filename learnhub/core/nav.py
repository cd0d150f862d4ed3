"""The main menu and the home page's sections, which each feature fills in for itself.

A feature adds its own menu items, home sections and slot entries in its `init_app`, so the
layout in core knows no feature and no feature edits another's template.
"""

from dataclasses import dataclass, field

from flask import current_app
from flask_login import current_user

_KEY = "learnhub_nav"


@dataclass(order=True)
class NavItem:
    order: int
    endpoint: str = field(compare=False)
    label: object = field(compare=False)  # a lazy_gettext string
    roles: frozenset | None = field(compare=False, default=None)  # None: every role
    # "members": signed-in people (of `roles`); "everyone"; "visitors": only the signed-out.
    who: str = field(compare=False, default="members")
    badge: object = field(compare=False, default=None)  # callable(user) -> a number to show beside it, or None


@dataclass(order=True)
class HomeSection:
    order: int
    template: str = field(compare=False)
    roles: frozenset | None = field(compare=False, default=None)
    context: object = field(compare=False, default=None)  # callable(user) -> dict


def _registry(app):
    return app.extensions.setdefault(_KEY, {"nav": [], "home": [], "slots": {}})


def add_menu_item(app, endpoint, label, roles=None, order=50, who="members", badge=None):
    """Put a link to `endpoint` in the main menu, for signed-in people with one of `roles`.

    `badge(user)`, if given, is a count to show beside the link (unread messages), or None.
    """
    _registry(app)["nav"].append(NavItem(order, endpoint, label, frozenset(roles) if roles else None, who, badge))


def add_home_section(app, template, roles=None, order=50, context=None):
    """Show `template` on the home page of signed-in people with one of `roles`.

    `context(user)` returns the template's variables.
    """
    _registry(app)["home"].append(HomeSection(order, template, frozenset(roles) if roles else None, context))


def _allowed(entry, user):
    who = getattr(entry, "who", "members")
    if not user.is_authenticated:
        return who in ("everyone", "visitors")
    if who == "visitors":
        return False
    return entry.roles is None or user.role in entry.roles


def nav_items():
    """The menu links this person may see, in order."""
    user = current_user._get_current_object()
    return sorted(item for item in _registry(current_app)["nav"] if _allowed(item, user))


def home_sections():
    """The home sections for this person, rendered, in order."""
    from flask import render_template
    from markupsafe import Markup

    user = current_user._get_current_object()
    sections = sorted(s for s in _registry(current_app)["home"] if _allowed(s, user))
    return [Markup(render_template(s.template, **(s.context(current_user) if s.context else {}))) for s in sections]


def add_to_slot(app, slot, template, order=50, context=None):
    """Show `template` where a lower feature's page offers the named `slot`.

    `context(**values)` gets what that page passes to the slot (e.g. the course just finished, and
    what the page has already read, such as the person's enrolment, so a slot need not read it
    again) and returns the template's variables, or None to show nothing.
    """
    _registry(app)["slots"].setdefault(slot, []).append(HomeSection(order, template, None, context))


def slot_sections(slot, **values):
    """What higher features put in `slot` of this page, rendered, in order."""
    from flask import render_template
    from markupsafe import Markup

    rendered = []
    for entry in sorted(_registry(current_app)["slots"].get(slot, [])):
        context = entry.context(**values) if entry.context else {}
        if context is not None:
            rendered.append(Markup(render_template(entry.template, **context)))
    return rendered


def init_app(app):
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["slot_sections"] = slot_sections
