"""Extension objects, created unbound and bound to the app in `create_app`."""

from flask import request
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from planner.db import Base
from planner.i18n import choose_language

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
# Small results keyed by the data version (feeds live in the database): SimpleCache, or Redis.
cache = Cache()
babel = Babel()
# No default limits: only the sign-in and invitation routes are limited, explicitly.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str | None:
    """The reader's language: `?lang=`, then the language cookie, then the browser's choice."""
    from flask import current_app, has_request_context

    if not has_request_context():
        return None  # the CLI, or a message shown outside a request: the default language
    return choose_language(
        request.args.get("lang") or request.cookies.get("lang"),
        request.accept_languages,
        current_app.config["LANGUAGES"],
    )
