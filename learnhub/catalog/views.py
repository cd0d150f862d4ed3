import mimetypes

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from learnhub.catalog import renditions
from learnhub.catalog.filters import required_courses as offered_required_courses
from learnhub.catalog.forms import CatalogueForm
from learnhub.catalog.importing import media_key
from learnhub.catalog.services import catalogue_audience, catalogue_query, catalogue_version, get_visible_course
from learnhub.core.cache import VISIT_SECONDS, fragment
from learnhub.core.i18n import current_language
from learnhub.core.inputs import page_number, query_args
from learnhub.core.storage import check_key, storage
from learnhub.extensions import db

bp = Blueprint("catalog", "learnhub.catalog", template_folder="templates")

PER_PAGE = 20
# Sent by the service worker (offline/static/sw.js) when it downloads a course's files.
OFFLINE_DOWNLOAD_HEADER = "X-Offline-Download"
FILTERS = ("text", "category", "occupation", "level", "for_you")


@bp.get("/courses/")
def catalogue():
    form = CatalogueForm(request.args)
    form.validate()
    required_courses = offered_required_courses()
    if not (required_courses and current_user.is_authenticated and current_user.role == "worker"):
        del form.required  # only workers are required to take courses
    search = dict(
        text=form.q.data,
        category=form.category.data,
        occupation=form.occupation.data,
        level=form.level.data,
        for_you=form.for_you.data,
        only=required_courses(current_user) if "required" in form and form.required.data else None,
        language=current_language(),
    )
    number = page_number()
    args = query_args("page")

    def results():
        page = db.paginate(catalogue_query(current_user, **search), page=number, per_page=PER_PAGE, error_out=False)
        # Only "required of me", nothing found: the union asks nothing (not "try fewer words").
        only_required = search["only"] is not None and not any(search[k] for k in FILTERS)
        return render_template("catalog/_results.html", page=page, args=args, only_required=only_required)

    # The results are the same for everyone of the same unions (and, "for you", the same trade
    # and level) until a course changes: one statement reads that, not the two of the list.
    who = catalogue_audience(current_user, for_you=form.for_you.data)
    parts = (catalogue_version(), who, sorted(search.items(), key=str), number, sorted(args.items()))
    # The search form, with its hundred translated choices, is the same for the same search.
    sent = sorted((k, v) for k, v in request.args.items(multi=True) if k in form)
    asks = (sent, current_user.is_authenticated, "required" in form, search["language"])
    return render_template(
        "catalog/catalogue.html",
        filters=fragment(
            "catalogue-filters", asks, lambda: render_template("catalog/_filters.html", form=form), VISIT_SECONDS
        ),
        results=fragment("catalogue", parts, results),
    )


@bp.app_template_global()
def course_audience(course):
    """Who a course is for, in a few words: occupation and skill level."""
    from learnhub.core.i18n import gettext as _
    from learnhub.core.vocab import occupation_label, skill_level_label

    occupation = _("All occupations") if course.occupation == "all" else occupation_label(course.occupation)
    if course.target_level in (None, "", "none"):
        return occupation
    return f"{occupation} · {skill_level_label(course.target_level)}"


@bp.app_template_global()
def question_kind(question):
    from learnhub.catalog.models import QUESTION_KINDS

    return QUESTION_KINDS.get(question.kind, question.kind)


@bp.app_template_global()
def media_url(course, path):
    """The address of a file of a course's media/ folder (copied to instance/media on import)."""
    if not path:
        return ""
    if path.startswith("https://"):
        return path
    return url_for("catalog.media", slug=course.slug, filename=path.removeprefix("media/"))


@bp.get("/media/<slug>/<path:filename>")
def media(slug, filename):
    """Course media, with byte ranges so that a phone can seek in a video."""
    course = get_visible_course(current_user, slug)
    try:
        key = check_key(media_key(course.slug, filename))
    except ValueError:
        abort(404)
    # A document downloads rather than opening inside the site; pictures and videos show. A phone
    # downloading the course for offline (the service worker says so) gets the file from this
    # site even where media are otherwise handed out by the bucket's address: it keeps it.
    options = dict(
        download_name=filename.rsplit("/", 1)[-1],
        as_attachment=filename.lower().endswith(".pdf"),
        max_age=7 * 24 * 3600,
        stream=request.headers.get(OFFLINE_DOWNLOAD_HEADER) == "1",
    )
    try:
        return storage().send(key, mimetype=mimetypes.guess_type(filename)[0], **options)
    except FileNotFoundError:
        pass
    # A video's phone rendition or poster, ready since its original was published.
    found = renditions.published_file(course, filename)
    if found is None:
        abort(404)
    try:
        return storage().send(found[0], mimetype=found[1], **options)
    except FileNotFoundError:
        abort(404)


@bp.app_template_global()
def right_answer(question):
    """The right answer of a question in words (shown only where the answers may be revealed)."""
    from learnhub.catalog.questions import right_answer_text

    return right_answer_text(question)
