"""Who may open what. Pages a role may not use answer 404, as if they did not exist."""

import functools

from flask import abort
from flask_login import current_user


def role_required(*roles):
    """Let through signed-in users with one of `roles`; everyone else gets 404."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated or current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapper

    return decorator
