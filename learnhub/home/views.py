from flask import render_template
from flask_login import current_user

from learnhub.catalog.services import catalogue_query
from learnhub.credits.services import balance, get_account
from learnhub.extensions import db
from learnhub.home import bp
from learnhub.learning.services import continue_learning


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
    credits, minutes = balance(get_account(current_user))
    suggestions = db.session.scalars(catalogue_query(current_user, for_you=True).limit(5)).all()
    return render_template("home/index.html", continuing=continue_learning(current_user),
                           suggestions=suggestions, credits=credits, minutes=minutes)
