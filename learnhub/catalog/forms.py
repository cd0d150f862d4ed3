"""The catalogue's search form (a GET form: no CSRF token needed, nothing changes)."""

from wtforms import BooleanField, SearchField, SelectField
from wtforms.validators import Length, Optional

from learnhub.catalog.models import CATEGORIES
from learnhub.core.forms import Form, as_choices
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS


class CatalogueForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Search courses"), validators=[Optional(), Length(max=60)])
    category = SelectField(
        _l("Category"),
        validators=[Optional()],
        choices=as_choices([("", _l("All categories"))] + list(CATEGORIES.items())),
    )
    occupation = SelectField(
        _l("Occupation"), validators=[Optional()], choices=as_choices([("", _l("All occupations"))] + OCCUPATIONS)
    )
    level = SelectField(
        _l("Skill level"), validators=[Optional()], choices=as_choices([("", _l("All levels"))] + SKILL_LEVELS)
    )
    for_you = BooleanField(_l("Only courses for my occupation and level"))
    required = BooleanField(_l("Only courses my union requires of me"))
