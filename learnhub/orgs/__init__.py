"""The union tree: national federation down to enterprise unions."""


def init_app(app):
    """Register the union search that the registration form asks for suggestions."""
    from learnhub.orgs import views

    app.register_blueprint(views.bp)
