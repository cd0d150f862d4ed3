"""The home page: what to do next, for each role.

It sits above every feature (it may read any of them) and nothing imports it.
"""


def init_app(app):
    """Register the home page; each feature adds its own sections to it (core.nav)."""
    from learnhub.home import views

    app.register_blueprint(views.bp)
