"""LearnHub: the learning platform of the trade unions for industrial workers."""

from pathlib import Path

from flask import Flask

from config import config_from_env


def create_app(config=None):
    """Build the application: config, extensions, blueprints, CLI, error handlers."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.from_object(config if config is not None else config_from_env())
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_error_handlers(app)
    return app


def register_extensions(app):
    from learnhub.core import i18n, inputs, logs, metering, nav, security, templating
    from learnhub.core.db import init_db
    from learnhub.extensions import csrf, db, limiter, login_manager, migrate

    init_db(app)
    inputs.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    nav.init_app(app)
    logs.init_app(app)
    metering.init_app(app)


def register_blueprints(app):
    from learnhub.accounts import bp as accounts_bp
    from learnhub.catalog import bp as catalog_bp
    from learnhub.core import bp as core_bp
    from learnhub.credits import bp as credits_bp
    from learnhub.home import bp as home_bp
    from learnhub.learning import bp as learning_bp
    from learnhub.orgs import bp as orgs_bp
    from learnhub.recognition import bp as recognition_bp
    from learnhub.stats import bp as stats_bp
    from learnhub.studio import bp as studio_bp

    # In the order of DESIGN.md: a feature may import only those registered before it.
    for blueprint in (core_bp, orgs_bp, accounts_bp, catalog_bp, credits_bp, learning_bp,
                      recognition_bp, studio_bp, stats_bp, home_bp):
        app.register_blueprint(blueprint)


def register_cli(app):
    from learnhub import demo
    from learnhub.accounts import cli as accounts_cli
    from learnhub.catalog import cli as catalog_cli
    from learnhub.core import backup
    from learnhub.stats import cli as stats_cli

    app.cli.add_command(accounts_cli.accounts_cli)
    app.cli.add_command(catalog_cli.courses_cli)
    app.cli.add_command(stats_cli.stats_cli)
    app.cli.add_command(demo.demo_cli)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)


def register_error_handlers(app):
    from learnhub.core import errors

    errors.init_app(app)
