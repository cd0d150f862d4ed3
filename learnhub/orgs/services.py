"""Operations on the union tree. Services flush; the caller commits."""

from sqlalchemy import select

from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import parse_id
from learnhub.core.text import clean_line, has_hidden_characters
from learnhub.extensions import db
from learnhub.orgs.models import CHILD_KINDS, KINDS, Org


def create_org(name, kind, parent=None, region_code=None, industry=None):
    """Add a union under `parent` (or the root when there is none) and give it its path."""
    name = clean_line(name)
    if not name or len(name) > 120 or has_hidden_characters(name):
        raise DomainError(_("A union's name has 1 to 120 visible characters."), "name")
    if kind not in KINDS:
        raise DomainError(_("Unknown kind of union."), "kind")
    parent_kind = parent.kind if parent is not None else None
    if kind not in CHILD_KINDS[parent_kind]:
        raise DomainError(_("This kind of union cannot be placed there."), "parent")
    org = Org(name=name, kind=kind, parent=parent, region_code=region_code, industry=industry)
    db.session.add(org)
    db.session.flush()  # the id is part of the path
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    db.session.flush()
    return org


def subtree_filter(root, column=Org.path):
    """A WHERE clause selecting `root` and everything below it."""
    return column.startswith(root.path)


def get_org_in_scope(org_id, scope_root):
    """The union with this id if it lies in `scope_root`'s subtree; otherwise NotFound."""
    org_id = parse_id(org_id)
    org = db.session.get(Org, org_id) if org_id is not None else None
    if org is None or not scope_root.contains(org):
        raise NotFound(_("Union not found."))
    return org


def find_org_by_name(name, scope_root=None, kind=None):
    """The one union whose name is exactly `name`, within a scope; None if none or several."""
    stmt = select(Org).where(Org.name == clean_line(name))
    if scope_root is not None:
        stmt = stmt.where(subtree_filter(scope_root))
    if kind is not None:
        stmt = stmt.where(Org.kind == kind)
    found = db.session.scalars(stmt.limit(2)).all()
    return found[0] if len(found) == 1 else None


def search_orgs(text, scope_root=None, kinds=None, limit=20):
    """Unions whose name contains `text` (case-insensitive), shortest names first."""
    text = clean_line(text)
    if not text:
        return []
    stmt = select(Org).where(Org.name.icontains(text, autoescape=True))
    if scope_root is not None:
        stmt = stmt.where(subtree_filter(scope_root))
    if kinds:
        stmt = stmt.where(Org.kind.in_(list(kinds)))
    stmt = stmt.order_by(db.func.length(Org.name), Org.name, Org.id).limit(limit)
    return db.session.scalars(stmt).all()


def ancestors_of(org):
    """The unions above `org`, from the root down, in one query."""
    ids = org.ancestor_ids[:-1]
    if not ids:
        return []
    by_id = {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def org_label(org):
    """A union's name with its parent's, to tell apart namesakes: '机械厂工会（滨江市总工会）'."""
    if org.parent is None:
        return org.name
    return _("%(name)s (%(parent)s)", name=org.name, parent=org.parent.name)


class OrgChoiceNeeded(DomainError):
    """What was typed matches several unions; the person must pick one of `candidates`."""

    def __init__(self, message, candidates, field="org_query"):
        super().__init__(message, field)
        self.candidates = candidates


def choose_org(org_id=None, text="", scope_root=None, kinds=None):
    """The union a person picked (by id) or typed (by name or part of it).

    Raises OrgChoiceNeeded with the candidates when the text matches several, and a
    DomainError when it matches none, so that a form without JavaScript can still narrow
    the choice down in a second step.
    """
    if org_id not in (None, ""):
        org_id = parse_id(org_id)
        org = db.session.get(Org, org_id) if org_id is not None else None
        if org is not None and (scope_root is None or scope_root.contains(org)) and (not kinds or org.kind in kinds):
            return org
    text = clean_line(text)
    if not text:
        raise DomainError(_("Type part of the union's name."), "org_query")
    for kind in kinds or [None]:
        exact = find_org_by_name(text, scope_root, kind)
        if exact is not None:
            return exact
    candidates = search_orgs(text, scope_root, kinds, limit=10)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise DomainError(
            _("No union matches “%(text)s”. Check the name, or ask your union for its full name.", text=text),
            "org_query",
        )
    raise OrgChoiceNeeded(_("Several unions match. Choose yours below."), candidates)
