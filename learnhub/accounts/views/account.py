import time
from functools import partial

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from learnhub.accounts import recovery, twofactor
from learnhub.accounts import services as accounts
from learnhub.accounts.forms import (
    CodeForm,
    LanguageForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterCodeForm,
    RegisterForm,
)
from learnhub.accounts.guards import mark_seen
from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error, as_choices, refuse
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import normalise_locale
from learnhub.core.security import safe_next_url
from learnhub.core.text import clean_line
from learnhub.extensions import db, limiter
from learnhub.orgs.services import OrgChoiceNeeded, choose_org, org_label


def _login_key():
    # Keyed on who is meant, not on how it was typed: the account when one matches (by phone
    # or username alike), else the login as authentication normalises it.
    login = request.form.get("login", "")
    user = accounts.find_by_login(login)
    if user is not None:
        return f"login:user:{user.id}"
    try:
        kind, value = accounts.split_login(login)
    except DomainError:
        kind, value = "raw", clean_line(login).lower()
    return f"login:{kind}:{value[:40]}"


def _pending_key():
    # The code after the password counts against the same account's budget as its passwords.
    pending = session.get("pending_login")
    user_id = pending.get("user") if isinstance(pending, dict) else None
    return f"login:user:{user_id}" if isinstance(user_id, int) else "login:pending:none"


def _failed(response):
    # Only failed attempts count: a person who knows their password is never held up.
    return response.status_code != 302


def _begin_session(user):
    session.clear()  # a fresh session at every login
    accounts.start_session(user)
    login_user(user)
    mark_seen()
    session.permanent = True


# Every attempt counts, refused ones too: otherwise the answers would tell, without limit,
# which phone numbers and usernames have an account.
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_ADDRESS"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm(login=session.get("register_phone", ""))
    if form.validate_on_submit():
        try:
            if current_app.config["PHONE_VERIFICATION"]:
                recovery.check_registration_phone(form.login.data, form.code.data)
            org = choose_org(form.org_id.data, form.org_query.data, kinds={"enterprise"})
            # Keep the union picked, should anything else in the form need correcting.
            form.org_id.choices = as_choices([(org.id, org_label(org))])
            form.org_id.data = str(org.id)
            user = accounts.register_worker(
                login=form.login.data,
                name=form.name.data,
                org=org,
                occupation=form.occupation.data,
                skill_level=form.skill_level.data,
                password=form.password.data,
                consent=form.consent.data,
                notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                locale=normalise_locale(session.get("locale")),
            )
        except OrgChoiceNeeded as error:
            form.org_id.choices = as_choices((o.id, org_label(o)) for o in error.candidates)
            apply_error(form, error)
        except DomainError as error:
            if error.field == "code":
                db.session.commit()  # a wrong code counts as one of its tries
            apply_error(form, error, aliases={"phone": "login", "username": "login"})
        else:
            session.pop("register_phone", None)
            _begin_session(user)
            db.session.commit()
            flash(_("Welcome, %(name)s! Your learning account is open.", name=user.name), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/register.html", form=form, code_form=RegisterCodeForm(formdata=None))


# Shared with the code after the password (login_code): one budget of failures for both steps.
_per_account = partial(
    limiter.shared_limit,
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    "login-account",
    methods=["POST"],
    deduct_when=_failed,
)
_per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], "login-address", methods=["POST"], deduct_when=_failed
)


@_per_account(key_func=_login_key)
@_per_address
def login():
    form = LoginForm(next=request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next_url(form.next.data) or url_for("home.index"))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data)
        except DomainError as error:
            current_app.logger.info("login refused from %s", request.remote_addr)
            apply_error(form, error)
        else:
            if twofactor.is_enabled(user):
                # Not signed in yet: the session only remembers whose code to ask for, briefly.
                locale = session.get("locale")
                session.clear()
                if locale:
                    session["locale"] = locale
                session["pending_login"] = {"user": user.id, "at": int(time.time()), "next": form.next.data or ""}
                return redirect(url_for("accounts.login_code"))
            _begin_session(user)
            db.session.commit()
            current_app.logger.info("login: user %s", user.id)
            return redirect(safe_next_url(form.next.data) or url_for("home.index"))
    return render_template("accounts/login.html", form=form)


# How long the code may take after the password, before the password is asked again.
PENDING_LOGIN_SECONDS = 5 * 60


def _pending_login():
    """(the person whose password was right, where they were going), or (None, None)."""
    pending = session.get("pending_login")
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None, None
    if not isinstance(pending.get("at"), int) or time.time() - pending["at"] > PENDING_LOGIN_SECONDS:
        return None, None
    user = accounts.get_user(pending["user"])
    if user is None or not user.is_active:
        return None, None
    return user, pending.get("next") or ""


@_per_account(key_func=_pending_key)
@_per_address
def login_code():
    user, next_url = _pending_login()
    if user is None:
        session.pop("pending_login", None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            used = twofactor.verify_code(user, form.code.data)
        except DomainError as error:
            current_app.logger.info("login code refused from %s", request.remote_addr)
            refuse(form, error)
        else:
            _begin_session(user)
            session["two_factor"] = True  # this session passed the second step (accounts.guards)
            left = twofactor.recovery_codes_left(user) if used == "recovery" else None
            db.session.commit()
            current_app.logger.info("login with a code: user %s", user.id)
            if left is not None:
                flash(
                    _("You used a recovery code; %(n)d are left. Make new ones on your two-step sign-in page.", n=left),
                    "info",
                )
            return redirect(safe_next_url(next_url) or url_for("home.index"))
    return render_template("accounts/login_code.html", form=form)


def logout():
    if current_user.is_authenticated:
        accounts.end_session(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("home.index"))


@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            accounts.update_profile(
                current_user,
                name=form.name.data,
                phone=form.phone.data,
                occupation=form.occupation.data,
                skill_level=form.skill_level.data,
            )
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password.html", form=form)


def language():
    form = LanguageForm()
    locale = normalise_locale(form.locale.data) if form.validate_on_submit() else None
    if locale:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.set_locale(current_user, locale)
            db.session.commit()
    return redirect(safe_next_url(form.next.data) or url_for("home.index"))


def privacy():
    return render_template("accounts/privacy.html", version=current_app.config["PRIVACY_NOTICE_VERSION"])
