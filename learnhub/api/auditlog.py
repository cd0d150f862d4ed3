"""How the audit log reads the API's tokens, clients and the roster a union system keeps."""

from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

LABELS = {
    "api.token_create": _l("API token made"),
    "api.token_revoke": _l("API token revoked"),
    "api.client_create": _l("API client made"),
    "api.client_revoke": _l("API client revoked"),
    "api.roster_upsert": _l("Worker opened or updated by a union system"),
}


def _roster(details):
    if details["created"]:
        return _("The union system “%(system)s” opened an account for %(person)s.", **details)
    return _("The union system “%(system)s” updated the details of %(person)s.", **details)


SENTENCES = {
    "api.token_create": lambda d: _("Made the personal API token “%(name)s”.", **d),
    "api.token_revoke": lambda d: _("Revoked the personal API token “%(name)s”.", **d),
    "api.client_create": lambda d: _("Let the union system “%(name)s” use the API.", **d),
    "api.client_revoke": lambda d: _("Revoked the union system “%(name)s”'s access to the API.", **d),
    "api.roster_upsert": _roster,
}
