"""Extension objects, created without an app; `create_app` binds them."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so that Alembic can find and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The bind of a read replica of PostgreSQL for the statistics (STATS_DATABASE_URL), when given;
# statistics read it through core.db.read_session().
STATS_REPLICA = "stats_replica"


# A view commits once, then renders what it just saved: expiring everything on commit
# would reload each object with one more query.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel(configure_jinja=False)  # core.i18n gives templates their gettext
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
cache = Cache()  # core/cache.py: rendered fragments that do not depend on the person
