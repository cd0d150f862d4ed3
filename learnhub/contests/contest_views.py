"""The contests' pages (技术比武): the list, a new contest, a contest with its paper or rankings."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.contests import competitions, stages
from learnhub.contests.forms import ActionForm, ContestForm
from learnhub.core.errors import DomainError
from learnhub.core.forms import as_choices, refuse
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS
from learnhub.extensions import db


@role_required("worker", "admin")
def contests():
    return render_template(
        "contests/contests.html", contests=competitions.contests_for(current_user), now=competitions._now()
    )


@role_required("admin")
def new_contest():
    form = ContestForm()
    if request.method == "GET":
        form.stage.data = stages.default_stage(current_user.org)
    form.occupation.choices = as_choices([("", _("All occupations"))] + list(OCCUPATIONS))
    form.levels.choices = as_choices(SKILL_LEVELS)
    form.stage.choices = as_choices((code, stages.STAGE_LABELS[code]) for code in stages.stages_for(current_user.org))
    form.previous.choices = as_choices([("", _("None: the first round"))] + stages.lower_rounds(current_user))
    form.courses.choices = as_choices(competitions.contest_courses(current_user))
    if form.validate_on_submit():
        try:
            contest = competitions.create_contest(
                current_user,
                dict(form.data, courses=request.form.getlist("courses"), levels=request.form.getlist("levels")),
            )
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The contest is created."), "success")
            return redirect(url_for("contests.contest", contest_id=contest.id))
    return render_template("contests/new_contest.html", form=form), 400 if request.method == "POST" else 200


@role_required("worker", "admin")
def contest(contest_id):
    return _contest_page(competitions.get_contest(current_user, contest_id))


def _contest_page(contest, kept=None, refused=None):
    """The contest; a paper refused is shown again with what was answered (`kept`) and why (`refused`)."""
    entry = competitions.entry_of(current_user, contest)
    running = entry is not None and entry.submitted_at is None
    published = contest.results_published_at is not None
    show_rankings = published or current_user.role == "admin"
    return render_template(
        "contests/contest.html",
        contest=contest,
        entry=entry,
        paper=competitions.entry_paper(entry) if running else None,
        rank=competitions.rank_of(contest, entry),
        is_open=competitions.is_open(contest),
        may_see=competitions.may_see(current_user, contest),
        may_enter=competitions.may_enter(current_user, contest),
        previous=competitions.previous_round(contest),
        stage_label=stages.STAGE_LABELS[contest.stage],
        individuals=competitions.individual_ranking(contest) if show_rankings else [],
        teams=competitions.team_ranking(contest) if show_rankings else [],
        form=ActionForm(),
        kept=kept or {},
        refused=refused,
    ), 400 if refused else 200


def _action(contest_id, work, done=None):
    contest = competitions.get_contest(current_user, contest_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        work(contest)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if done:
            flash(done, "success")
    return redirect(url_for("contests.contest", contest_id=contest_id))


@role_required("worker")
def enter(contest_id):
    return _action(contest_id, lambda contest: competitions.enter(current_user, contest))


@role_required("worker")
def submit(contest_id):
    contest = competitions.get_contest(current_user, contest_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    answers = {name[1:]: request.form.getlist(name) for name in request.form if name.startswith("q")}
    try:
        competitions.submit(current_user, contest, answers)
    except competitions.LateEntry as error:
        db.session.commit()  # the late paper is recorded: one attempt
        flash(error.message, "error")
    except DomainError as error:
        db.session.rollback()
        entry = competitions.entry_of(current_user, contest)
        if entry is not None and entry.submitted_at is None:
            # The clock runs on: the paper comes back with every answer given so far, not blank.
            return _contest_page(contest, kept=answers, refused=error.message)
        flash(error.message, "error")
    else:
        db.session.commit()
    return redirect(url_for("contests.contest", contest_id=contest_id))


@role_required("admin")
def publish(contest_id):
    return _action(
        contest_id,
        lambda contest: competitions.publish_results(current_user, contest),
        done=_("The results are published: the contestants see the rankings now."),
    )
