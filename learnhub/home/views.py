from flask import Blueprint, current_app, render_template
from flask_login import current_user

from learnhub.core.hours import minutes_per_xueshi
from learnhub.core.nav import home_sections

bp = Blueprint("home", "learnhub.home", template_folder="templates")


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
    return render_template("home/index.html", sections=home_sections())


@bp.get("/help/terms")
def glossary():
    """What 学时, 学分 and the other words of a learning account mean here, with this deployment's figures."""
    config = current_app.config
    return render_template(
        "home/glossary.html",
        minutes_per_xueshi=minutes_per_xueshi(),
        xueshi_per_credit=config["XUESHI_PER_CREDIT"],
        read_share=round(config["LESSON_READ_SHARE"] * 100),
        played_share=round(config["VIDEO_PLAYED_SHARE"] * 100),
    )
