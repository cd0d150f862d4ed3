"""The studio's pages: one blueprint, a module per screen, and the table of their addresses."""

from flask import Blueprint

from learnhub.studio.views import bank, common, courses, learners, media, questions, review, team

bp = Blueprint(
    "studio", "learnhub.studio", template_folder="templates", static_folder="static", static_url_path="/studio/static"
)

ROUTES = [
    # address, view, methods
    ("/studio/", courses.index, "GET"),
    ("/studio/new", courses.new_course, "GET POST"),
    ("/studio/reviews/", review.reviews, "GET"),
    ("/studio/<slug>/", courses.course, "GET"),
    ("/studio/<slug>/details", courses.details, "GET POST"),
    ("/studio/<slug>/history", courses.history, "GET"),
    ("/studio/<slug>/publish", courses.publish, "POST"),
    ("/studio/<slug>/unpublish", courses.unpublish, "POST"),
    ("/studio/<slug>/archive", courses.archive, "POST"),
    ("/studio/<slug>/restore", courses.restore, "POST"),
    ("/studio/<slug>/discard", courses.discard, "POST"),
    ("/studio/<slug>/withdraw", courses.withdraw, "POST"),
    ("/studio/<slug>/review", review.review_page, "GET"),
    ("/studio/<slug>/review/approve", review.approve, "POST"),
    ("/studio/<slug>/review/return", review.return_course, "POST"),
    ("/studio/<slug>/modules", courses.add_module, "POST"),
    ("/studio/<slug>/modules/<key>", courses.module, "GET POST"),
    ("/studio/<slug>/modules/<key>/move", courses.move_module, "POST"),
    ("/studio/<slug>/modules/<key>/remove", courses.remove_module, "POST"),
    ("/studio/<slug>/preview", courses.live_preview, "POST"),
    ("/studio/<slug>/modules/<key>/questions/new", questions.question, "GET POST"),
    ("/studio/<slug>/modules/<key>/questions/<int:number>", questions.question, "GET POST"),
    (
        "/studio/<slug>/modules/<key>/questions/<int:number>/<any(up, down, delete):action>",
        questions.question_action,
        "POST",
    ),
    ("/studio/<slug>/bank/", bank.bank, "GET"),
    ("/studio/<slug>/bank/new", bank.bank_question, "GET POST"),
    ("/studio/<slug>/bank/<int:question_id>", bank.bank_question, "GET POST"),
    ("/studio/<slug>/bank/<int:question_id>/retire", bank.bank_retire, "POST"),
    ("/studio/<slug>/bank/import", bank.bank_import, "POST"),
    ("/studio/<slug>/bank/template.csv", bank.bank_template, "GET"),
    ("/studio/<slug>/media/", media.media, "GET POST"),
    ("/studio/<slug>/media/<name>", media.media_file, "GET"),
    ("/studio/<slug>/media/<name>/phone/<any(video, poster):part>", media.rendition_file, "GET"),
    ("/studio/<slug>/media/<name>/transcode", media.transcode_again, "POST"),
    ("/studio/<slug>/export", media.export, "GET"),
    ("/studio/<slug>/editors", team.editors, "GET POST"),
    ("/studio/<slug>/editors/<int:user_id>/remove", team.remove_editor, "POST"),
    ("/studio/<slug>/learners", learners.learners_page, "GET"),
    ("/studio/<slug>/learners.csv", learners.learners_csv, "GET"),
]
for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods.split())
# Before CSRF protection reads a form: the editor's and the upload's requests may be large.
bp.url_value_preprocessor(common.editor_limits)
bp.url_value_preprocessor(media.upload_limit)
