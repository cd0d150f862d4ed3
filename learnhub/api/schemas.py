"""What the API reads and writes, as marshmallow schemas (flask-smorest turns them into OpenAPI).

Unknown fields in a request body are refused (marshmallow's default): a typo should not pass silently.
"""

import unicodedata
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from learnhub.core.hours import Hours
from learnhub.core.i18n import gettext as _

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,79}$")  # as course slugs are made (studio, courses/)


def _no_control_characters(value):
    """NUL and other control characters are never typed on purpose (and PostgreSQL refuses NUL)."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(_("The text contains a control character (such as NUL)."))


class Line(fields.String):
    """One line of text in a request: no control characters."""

    def __init__(self, **kwargs):
        kwargs["validate"] = [_no_control_characters, *_as_list(kwargs.get("validate"))]
        super().__init__(**kwargs)


def _as_list(validators):
    if validators is None:
        return []
    return list(validators) if isinstance(validators, (list, tuple)) else [validators]


class Credits(fields.String):
    """学分 as a string of two decimals ("1.50"): exact, as the ledger keeps them (never a float)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(pattern=r"^-?[0-9]+\.[0-9]{2}$", description="学分, two decimals")
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


class PageArgs(Schema):
    cursor = Line(
        validate=validate.Length(max=200),
        metadata={"description": "Where to go on: `next_cursor` of the page before; omit for the first page"},
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class CatalogueArgs(PageArgs):
    q = Line(validate=validate.Length(max=100), metadata={"description": "Words to search for"})
    category = Line(validate=validate.Length(max=20))
    occupation = Line(validate=validate.Length(max=40))
    level = Line(validate=validate.Length(max=20))


def _hours(minutes):
    return str(Hours.of(minutes).value)


class CourseOut(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    category = fields.String(required=True)
    occupation = fields.String(required=True)
    target_level = fields.String(required=True)
    language = fields.String(required=True)
    credits = Credits(required=True)
    hours = fields.String(required=True, metadata={"description": "学时 as shown (tenths)"})
    minutes = fields.Integer(required=True)


class CoursePage(Schema):
    items = fields.List(fields.Nested(CourseOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class ModuleOut(Schema):
    key = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["lesson", "video", "quiz"]))
    title = fields.String(required=True)
    minutes = fields.Integer(required=True)
    credits = Credits(required=True)
    is_required = fields.Boolean(required=True)


class CourseDetail(CourseOut):
    modules = fields.List(fields.Nested(ModuleOut), required=True)


class ModuleProgress(Schema):
    key = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    started_at = fields.AwareDateTime(allow_none=True, required=True)
    completed_at = fields.AwareDateTime(allow_none=True, required=True)
    best_score = fields.Integer(allow_none=True, required=True)


class EnrolmentOut(Schema):
    course = fields.String(required=True, metadata={"description": "The course's slug"})
    title = fields.String(required=True)
    enrolled_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(allow_none=True, required=True)
    modules_done = fields.Integer(required=True)
    modules_total = fields.Integer(required=True)


class EnrolmentDetail(EnrolmentOut):
    modules = fields.List(fields.Nested(ModuleProgress), required=True)


class EnrolmentPage(Schema):
    items = fields.List(fields.Nested(EnrolmentOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class EnrolIn(Schema):
    course = Line(required=True, validate=SLUG, metadata={"description": "The slug of the course"})


class EntryOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    credits = Credits(required=True)
    minutes = fields.Integer(required=True)
    hours = fields.Function(lambda e: _hours(e.minutes), required=True)
    note = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    reverses = fields.Integer(attribute="reverses_id", allow_none=True, required=True)


class RecordOut(Schema):
    account = fields.String(allow_none=True, required=True, metadata={"description": "学习账户 number"})
    credits = Credits(required=True)
    hours = fields.String(required=True, metadata={"description": "The sum of the entries' hours as shown"})
    entries = fields.List(fields.Nested(EntryOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class CredentialOut(Schema):
    id = fields.String(attribute="uuid", required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    credits = Credits(required=True)
    hours = fields.String(required=True)
    issued_at = fields.AwareDateTime(required=True)
    revoked_at = fields.AwareDateTime(allow_none=True, required=True)
    url = fields.String(required=True, metadata={"description": "The public page a stranger can check"})


class CredentialList(Schema):
    items = fields.List(fields.Nested(CredentialOut), required=True)


class MeOut(Schema):
    name = fields.String(required=True)
    union = fields.String(required=True)
    occupation = fields.String(allow_none=True, required=True)
    skill_level = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)


class PositionIn(Schema):
    position = fields.Integer(required=True, validate=validate.Range(min=0, max=24 * 3600))
    played = Line(validate=validate.Length(max=4000), metadata={"description": "Ranges played, in seconds: 0-30,45-60"})


class CompletionOut(Schema):
    module = fields.String(required=True)
    completed = fields.Boolean(required=True, metadata={"description": "True once the module is done"})
    newly_completed = fields.Boolean(required=True, metadata={"description": "True if this call finished it"})
    course_completed = fields.Boolean(required=True)


# ---------------------------------------------------------------- union systems


class UnionRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class RosterArgs(PageArgs):
    union = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "Only this union's part of the subtree"}
    )


class WorkerOut(Schema):
    id = fields.Integer(required=True, metadata={"description": "LearnHub's id of the person"})
    external_id = fields.String(allow_none=True, required=True, metadata={"description": "Your system's id, if linked"})
    name = fields.String(required=True)
    phone = fields.String(allow_none=True, required=True, metadata={"description": "Masked, as admins see it"})
    union = fields.Nested(UnionRef, required=True)
    occupation = fields.String(allow_none=True, required=True)
    skill_level = fields.String(required=True)
    is_active = fields.Boolean(required=True)


class WorkerPage(Schema):
    items = fields.List(fields.Nested(WorkerOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class WorkerIn(Schema):
    name = Line(required=True, validate=validate.Length(min=1, max=50))
    phone = Line(validate=validate.Length(max=20), metadata={"description": "Mobile number; needed for a new worker"})
    union = fields.Integer(
        required=True, validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "An enterprise union"}
    )
    occupation = Line(required=True, validate=validate.Length(max=40))
    skill_level = Line(load_default="none", validate=validate.Length(max=20))


class WorkerUpserted(WorkerOut):
    created = fields.Boolean(required=True, metadata={"description": "True if this call opened the account"})


class RequirementOut(Schema):
    id = fields.Integer(required=True)
    course = fields.String(required=True)
    title = fields.String(required=True)
    due_on = fields.Date(required=True)
    set_by = fields.Nested(UnionRef, required=True)
    workers = fields.Integer(required=True, metadata={"description": "Active workers of the subtree it asks"})
    finished = fields.Integer(required=True)


class RequirementList(Schema):
    items = fields.List(fields.Nested(RequirementOut), required=True)


class PeriodArgs(Schema):
    period = Line(load_default="month", validate=validate.OneOf(["month", "30d", "year", "custom"]))
    start = fields.Date(metadata={"description": "With period=custom"})
    end = fields.Date(metadata={"description": "With period=custom"})


class FiguresOut(Schema):
    workers = fields.Integer(allow_none=True, required=True)
    active_7 = fields.Integer(allow_none=True, required=True)
    active_30 = fields.Integer(allow_none=True, required=True)
    enrolments = fields.Integer(required=True)
    completions = fields.Integer(required=True)
    credits = Credits(required=True)
    hours = fields.String(required=True)


class FiguresRow(FiguresOut):
    union = fields.Nested(UnionRef, allow_none=True, required=True, metadata={"description": "null: directly in it"})


class CategoryRow(FiguresOut):
    category = fields.String(required=True)


class StatisticsOut(Schema):
    union = fields.Nested(UnionRef, required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    total = fields.Nested(FiguresOut, required=True)
    unions = fields.List(fields.Nested(FiguresRow), required=True)
    categories = fields.List(fields.Nested(CategoryRow), required=True)
    as_of = fields.AwareDateTime(
        allow_none=True,
        required=True,
        metadata={"description": "learning in the unions below is counted up to this time (null: no union below)"},
    )


class CompletionEvent(Schema):
    id = fields.Integer(required=True)
    worker = fields.Integer(required=True)
    external_id = fields.String(allow_none=True, required=True)
    course = fields.String(allow_none=True, required=True)
    title = fields.String(required=True)
    credits = Credits(required=True)
    hours = fields.String(required=True)
    completed_at = fields.AwareDateTime(required=True)


class CompletionFeed(Schema):
    items = fields.List(fields.Nested(CompletionEvent), required=True)
    next_cursor = fields.String(
        allow_none=True, required=True, metadata={"description": "Ask again with it later: what came since"}
    )
