"""The pages of accounts: one blueprint, a module per screen, and the table of their addresses."""

from flask import Blueprint

from learnhub.accounts.views import account, bulk_onboarding, people, privacy, recovery, twofactor

bp = Blueprint("accounts", "learnhub.accounts", template_folder="templates")

ROUTES = [
    # address, view, methods
    ("/register", account.register, "GET POST"),
    ("/login", account.login, "GET POST"),
    ("/login/code", account.login_code, "GET POST"),
    ("/logout", account.logout, "POST"),
    ("/register/code", recovery.register_code, "POST"),
    ("/password/forgot", recovery.forgot_password, "GET POST"),
    ("/password/reset", recovery.reset_password, "GET POST"),
    ("/activate/<token>", recovery.activate, "GET POST"),
    ("/me/profile", account.profile, "GET POST"),
    ("/me/password", account.password, "GET POST"),
    ("/me/two-step", twofactor.two_factor, "GET"),
    ("/me/two-step/setup", twofactor.two_factor_setup, "POST"),
    ("/me/two-step/confirm", twofactor.two_factor_confirm, "POST"),
    ("/me/two-step/recovery-codes", twofactor.two_factor_codes, "POST"),
    ("/me/two-step/off", twofactor.two_factor_disable, "POST"),
    ("/language", account.language, "POST"),
    ("/privacy", account.privacy, "GET"),
    ("/me/privacy", privacy.my_privacy, "GET"),
    ("/me/data.json", privacy.my_data, "GET"),
    ("/me/consent", privacy.consent, "GET POST"),
    ("/me/consent/withdraw", privacy.withdraw_consent, "POST"),
    ("/me/delete", privacy.delete_account, "POST"),
    ("/people/", people.people, "GET"),
    ("/people/<int:user_id>", people.person, "GET"),
    ("/people/<int:user_id>/role", people.person_role, "POST"),
    ("/people/<int:user_id>/union", people.person_union, "POST"),
    ("/people/<int:user_id>/active", people.person_active, "POST"),
    ("/people/<int:user_id>/password", people.person_password, "POST"),
    ("/people/<int:user_id>/two-step", people.person_two_factor, "POST"),
    ("/people/import", bulk_onboarding.people_import, "GET POST"),
    ("/people/import/confirm", bulk_onboarding.people_import_confirm, "POST"),
    ("/people/import/template.csv", bulk_onboarding.people_import_template, "GET"),
    ("/people/import/<int:job_id>/handout", bulk_onboarding.people_import_handout, "GET"),
]
for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods.split())
