from flask import Blueprint, render_template
from flask_login import current_user

from learnhub.core.nav import home_sections

bp = Blueprint("home", "learnhub.home", template_folder="templates")


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
    return render_template("home/index.html", sections=home_sections())
