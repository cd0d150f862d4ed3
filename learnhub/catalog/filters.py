"""Filters of the catalogue that features above this package offer (they know what it cannot)."""

from flask import current_app

_REQUIRED_COURSES = "learnhub.catalog.required_courses"


def offer_required_filter(app, course_ids):
    """Let workers narrow the catalogue to the courses their unions require of them.

    The feature that knows requirements (stats) gives `course_ids(user)`.
    """
    app.extensions[_REQUIRED_COURSES] = course_ids


def required_courses():
    """The offered `course_ids(user)` of required courses, or None when no feature offers it."""
    return current_app.extensions.get(_REQUIRED_COURSES)
