"""What the statistics pages share: the union asked for, the period, the way back up."""

from flask import request, url_for
from flask_login import current_user

from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error
from learnhub.orgs.services import ancestors_of, get_org_in_scope
from learnhub.stats.forms import PeriodForm
from learnhub.stats.periods import DEFAULT, make_period, parse_period
from learnhub.stats.rollups import today


def scoped_org(org_id=None):
    """The union asked for if it lies in the admin's subtree; 404 for any other."""
    if org_id is None:
        return current_user.org
    return get_org_in_scope(org_id, current_user.org)


def chosen_period():
    """(form, period) from the query string; bad dates show beside the form, this month is used."""
    form = PeriodForm(request.args)
    try:
        period = parse_period(request.args, today())
    except DomainError as error:
        apply_error(form, error)
        period = make_period(DEFAULT, today())
    form.period.data = form.period.data if form.period.data in ("month", "30d", "year", "custom") else DEFAULT
    return form, period


def crumbs(org):
    """The unions from the admin's own down to `org`: the way back up."""
    mine = current_user.org
    return [o for o in ancestors_of(org) if mine.contains(o)]


def page_args(period, **extra):
    """Query arguments that keep the period (and filters) when following a link."""
    return {**period.args(), **{k: v for k, v in extra.items() if v}}


def tab_context(org, tab, **extra):
    """What every tab of a union's statistics renders: the union, the period, the way back up."""
    form, period = chosen_period()
    return dict(
        org=org,
        tab=tab,
        period=period,
        period_form=form,
        crumbs=crumbs(org),
        is_mine=org.id == current_user.org_id,
        args=page_args(period),
        **extra,
    )


def drill(period, endpoint="stats.overview"):
    """A link maker for the unions below, keeping the period."""
    return lambda child: url_for(endpoint, org_id=child.id, **period.args())
