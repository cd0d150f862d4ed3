"""LearnHub: the learning platform of the trade unions for industrial workers.

`create_app` builds the application: config, then each feature's `init_app` in the order of
DESIGN.md (a feature may import only the features before it), then the home page and the
demo data, which sit above every feature.

How a feature wires itself, end to end. Say a "forum" feature is added between learning and
recognition. It lives in `learnhub/forum/`:

    models.py       class Thread(db.Model): ...            (and a migration: `flask db migrate`)
    services.py     def start_thread(user, course, title): ... db.session.flush(); return thread
    subscribers.py  def on_course_completed(course, user, **kw): ...   (a lower feature's signal)
                    def connect(): course_completed.connect(on_course_completed)
    views.py        bp = Blueprint("forum", "learnhub.forum", template_folder="templates")
                    @bp.get("/forum/<slug>") ... call services, render templates/forum/...
    __init__.py     def init_app(app):
                        from learnhub.forum import subscribers, views
                        app.register_blueprint(views.bp)
                        nav.add_menu_item(app, "forum.index", _l("Forum"), order=30)
                        subscribers.connect()

and `create_app` below gains `forum.init_app(app)` after `learning.init_app(app)`. Nothing is
registered or connected by importing a module: only `init_app` wires, so tidying imports
cannot unplug anything. A feature's views raise or let through `core.errors.NotFound`, which
the one error handler turns into the 404 page.
"""

from flask import Flask

from config import config_from_env


def create_app(config=None):
    """Build the application: config, the floor (core), each feature, the home page, the demo."""
    from learnhub import (
        accounts,
        api,
        catalog,
        contests,
        core,
        credits,
        demo,
        home,
        learning,
        notify,
        offline,
        orgs,
        recognition,
        stats,
        studio,
        xapi,
    )

    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.from_object(config if config is not None else config_from_env())
    # In the order of DESIGN.md: a feature may import only those before it.
    for feature in (
        core,
        orgs,
        accounts,
        notify,
        catalog,
        credits,
        learning,
        offline,
        contests,
        recognition,
        studio,
        stats,
        xapi,
        api,
    ):
        feature.init_app(app)
    # Above every feature, imported by none.
    home.init_app(app)
    demo.init_app(app)
    return app
