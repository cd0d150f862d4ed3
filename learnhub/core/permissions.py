"""Who may open what. Pages a role may not use answer 404, as if they did not exist."""

import functools

from flask import abort
from flask_login import current_user

from learnhub.extensions import login_manager


def role_required(*roles):
    """Let through signed-in users with one of `roles`; send visitors to the login page (a link a
    colleague sent, an expired session) and answer 404 to anyone else signed in."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapper

    return decorator
