"""Learning events as xAPI 1.0.3 statements: verbs, activities, results. Plain functions, no writes.

Verbs are ADL's (http://adlnet.gov/expapi/verbs/...) wherever ADL has one; the two it lacks come
from the vocabularies LRSs know: the xAPI Video Profile's `played` with its played-segments
extension (the ranges a worker really watched), and the xAPI registry's `earned` (a recognition
or prior learning granted). Activity ids are the addresses a person would open on this site,
under PUBLIC_BASE_URL; credits and 学时 paid ride in the result as extensions under the same base.
"""

from decimal import Decimal

from flask import current_app

from learnhub.catalog.models import CHOICE_KINDS

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "registered": ADL + "registered",
    "initialized": ADL + "initialized",
    "completed": ADL + "completed",
    "answered": ADL + "answered",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "scored": ADL + "scored",
    "played": "https://w3id.org/xapi/video/verbs/played",
    "earned": "http://id.tincanapi.com/verb/earned",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "video": "https://w3id.org/xapi/video/activity-type/video",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "contest": "http://adlnet.gov/expapi/activities/assessment",
    "credential": "https://w3id.org/xapi/tla/activity-types/credential",
}
PLAYED_SEGMENTS = "https://w3id.org/xapi/video/extensions/played-segments"
VIDEO_LENGTH = "https://w3id.org/xapi/video/extensions/length"
PLATFORM = "LearnHub"


def base_url():
    """The site's public address, which every activity id and the actor's homePage start with."""
    return (current_app.config.get("PUBLIC_BASE_URL") or "http://localhost:5000").rstrip("/")


def extension(name):
    """An extension IRI of this site: credits, minutes, hours (学时 of core.hours)."""
    return f"{base_url()}/xapi/extensions/{name}"


def language_tag(code):
    """A course's language ("zh_CN") as the RFC 5646 tag of language maps ("zh-CN")."""
    return (code or "zh_CN").replace("_", "-")


def verb(name):
    return {"id": VERBS[name], "display": {"en-US": name}}


def actor(name):
    """The worker as an account on this site, by their opaque xAPI name (models.XapiActor)."""
    return {"objectType": "Agent", "account": {"homePage": base_url(), "name": name}}


def activity(iri, kind, name, language, description=None, **definition):
    definition = {"type": ACTIVITY_TYPES[kind], "name": {language: name}, **definition}
    if description:
        definition["description"] = {language: description}
    return {"objectType": "Activity", "id": iri, "definition": definition}


def course_activity(course):
    return activity(f"{base_url()}/courses/{course.slug}", "course", course.title, language_tag(course.language))


def module_activity(course, module, title):
    return activity(
        f"{base_url()}/courses/{course.slug}/{module.key}", module.kind, title, language_tag(course.language)
    )


def question_activity(course, module, revision, question):
    source = "bank" if revision.draw else "quiz"
    language = language_tag(course.language)
    definition = {"interactionType": _interaction_type(question)}
    if question.kind in CHOICE_KINDS:
        definition["choices"] = [
            {"id": str(choice.id), "description": {language: choice.text[:500]}} for choice in question.choices
        ]
    return activity(
        f"{base_url()}/courses/{course.slug}/{module.key}/questions/{source}-{question.id}",
        "question",
        question.text[:500],
        language,
        **definition,
    )


def _interaction_type(question):
    if question.kind in CHOICE_KINDS:
        return "choice"
    return "numeric" if question.kind == "number" else "fill-in"


def context(course=None, parents=(), language=None):
    """The platform, the language, and the course (and module) an activity belongs to."""
    result = {"platform": PLATFORM}
    if language or course is not None:
        result["language"] = language or language_tag(course.language)
    grouping = [course_activity(course)] if course is not None else []
    if parents or grouping:
        result["contextActivities"] = {}
        if parents:
            result["contextActivities"]["parent"] = list(parents)
        if grouping:
            result["contextActivities"]["grouping" if parents else "parent"] = grouping
    return result


def duration(seconds):
    """ISO 8601 duration of whole seconds ("PT75S"), as xAPI results carry it."""
    return f"PT{max(0, int(seconds))}S"


def paid(entry):
    """Result extensions of what a ledger entry paid: credits (a decimal string) and minutes."""
    if entry is None:
        return {}
    return {
        extension("credits"): str(Decimal(entry.credits).quantize(Decimal("0.01"))),
        extension("minutes"): int(entry.minutes or 0),
    }


def score(percent, is_passed=None):
    """A result's score out of 100, with success when there is a pass mark."""
    result = {"score": {"scaled": round(percent / 100, 4), "raw": percent, "min": 0, "max": 100}}
    if is_passed is not None:
        result["success"] = bool(is_passed)
    return result


def segments(ranges):
    """Played ranges in the Video Profile's notation: "0[.]31.5[,]40[.]62"."""
    return "[,]".join(f"{_number(start)}[.]{_number(end)}" for start, end in ranges)


def _number(value):
    return f"{float(value):.3f}".rstrip("0").rstrip(".")


def response(question, answer):
    """A question's answer as an xAPI response: choice ids joined by [,], or the typed text."""
    if isinstance(answer, list):
        return "[,]".join(str(choice_id) for choice_id in answer)
    return str(answer or "")[:500]
