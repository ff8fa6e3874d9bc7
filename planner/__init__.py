"""Remembrance Planner: plan remembrance-day events and publish them as pages, feeds and an API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask, request

from config import Config, ProductionConfig, config_by_name

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


def create_app(config: type[Config] | str | None = None, **overrides: Any) -> Flask:
    """Build the app from a named configuration (or class) plus explicit overrides."""
    config_class = config if isinstance(config, type) else config_by_name(config)
    if issubclass(config_class, ProductionConfig):
        config_class.check()

    from planner.outage import apply_outage_settings
    from planner.requestlog import configure_logging
    from planner.web import PlannerFlask

    app = PlannerFlask(__name__, template_folder=str(TEMPLATE_DIR), instance_relative_config=True)
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    # Store JSON as readable UTF-8, so text search sees "Brīvības", not "Br\u012bv...".
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        "json_serializer": lambda value: json.dumps(value, ensure_ascii=False),
    }
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )

    apply_outage_settings(app.config)
    configure_logging(app)
    register_extensions(app)
    register_audit_vocabularies(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_request_hooks(app)
    wrap_wsgi(app)
    return app


def wrap_wsgi(app: Flask) -> None:
    """Outermost, the request id and log line; inside it, the replay of kept public answers,
    so that a replayed answer is logged and carries its request id like any other."""
    from planner.requestlog import RequestLogMiddleware
    from planner.response_cache import init_response_cache

    app.wsgi_app = RequestLogMiddleware(  # type: ignore[method-assign]
        init_response_cache(app, app.wsgi_app)
    )


def register_extensions(app: Flask) -> None:
    from planner import models  # noqa: F401  (every model, for Alembic and relationships)
    from planner.accounts.login import init_login
    from planner.events.labels import register_label_helpers
    from planner.extensions import babel, cache, csrf, db, limiter, migrate, select_locale
    from planner.feeds import written  # noqa: F401  (a write renders its events' fragments)
    from planner.formatting import register_template_helpers
    from planner.markdown import register_markdown_filter
    from planner.public.links import register_link_helpers
    from planner.security import register_security_headers
    from planner.shared_cache import init_shared_cache

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    cache.init_app(app)
    init_login(app)
    register_template_helpers(app)
    register_markdown_filter(app)
    register_link_helpers(app)
    register_label_helpers(app)
    register_security_headers(app)
    # Before the language hook, so that its after-request sees the language cookie.
    init_shared_cache(app)


def register_audit_vocabularies(app: Flask) -> None:
    """How each domain's entries read in the audit trail (the audit package knows none)."""
    from planner.accounts.trail import VOCABULARIES as accounts
    from planner.audit.presentation import register_vocabularies
    from planner.commemorations.trail import VOCABULARIES as commemorations
    from planner.events.trail import VOCABULARIES as events
    from planner.organisations.trail import VOCABULARIES as organisations
    from planner.submissions.trail import VOCABULARIES as submissions
    from planner.venues.trail import VOCABULARIES as venues

    for vocabularies in (events, accounts, organisations, venues, commemorations, submissions):
        register_vocabularies(app, vocabularies)


def register_blueprints(app: Flask) -> None:
    from planner.accounts.views import bp as accounts_bp
    from planner.admin.views import bp as admin_bp
    from planner.api.views import bp as api_bp
    from planner.commemorations.views import bp as commemorations_bp
    from planner.embed.views import bp as embed_bp
    from planner.events.views import bp as events_bp
    from planner.feeds.views import bp as feeds_bp
    from planner.manage.views import bp as manage_bp
    from planner.moderation.views import bp as moderation_bp
    from planner.organisations.views import bp as organisations_bp
    from planner.public.views import bp as public_bp
    from planner.submissions.views import bp as submissions_bp
    from planner.venues.views import bp as venues_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(commemorations_bp)
    app.register_blueprint(venues_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(submissions_bp)
    app.register_blueprint(embed_bp)
    app.register_blueprint(api_bp)


def register_errorhandlers(app: Flask) -> None:
    from planner.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from planner.backup.cli import backup_cli
    from planner.cli import bench_cli, demo_cli, events_cli, feeds_cli, users_cli

    app.cli.add_command(backup_cli)
    app.cli.add_command(bench_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(feeds_cli)


def register_request_hooks(app: Flask) -> None:
    from planner.inputs import register_input_checks

    register_input_checks(app)

    @app.after_request
    def remember_language(response):
        # A reader who picks a language with ?lang= keeps it on the next pages. A feed's, an
        # embed's or the API's `lang` is the caller's choice, not the reader's preference.
        chosen = request.args.get("lang")
        if request.blueprint in ("api", "embed"):
            return response
        if (
            response.mimetype == "text/html"
            and chosen in app.config["LANGUAGES"]
            and request.cookies.get("lang") != chosen
        ):
            response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax")
        return response
