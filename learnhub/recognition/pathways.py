"""Pathways (认定规则): kept by national and provincial admins, versioned, never edited in place."""

import re
import unicodedata
from decimal import Decimal

from sqlalchemy import and_, select, update
from sqlalchemy.orm import contains_eager

from learnhub.catalog.models import CATEGORIES, Course
from learnhub.catalog.services import reachable_filter
from learnhub.contests.models import STAGES
from learnhub.core import audit
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.hours import minutes_of
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import parse_id
from learnhub.core.text import clean_line, has_hidden_characters
from learnhub.core.vocab import OCCUPATION_CODES, SKILL_LEVEL_CODES
from learnhub.credits.services import parse_credits
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import subtree_filter
from learnhub.recognition.models import TARGET_KINDS, Pathway, PathwayVersion, Target

KEEPER_KINDS = ("national", "province")
_HOURS = re.compile(r"^[0-9]{1,5}(\.[0-9]{1,2})?$", re.ASCII)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


# ---------------------------------------------------------------- small parsers


def parse_hours(text, field):
    """学时 typed by a person ('2.5', '60') as whole minutes (core.hours); empty means 0."""
    text = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    if not text:
        return 0
    if not _HOURS.match(text) or Decimal(text) > 10000:
        raise DomainError(_("Enter hours as a number from 0 to 10000, such as 2.5."), field)
    return minutes_of(text)


def optional_credits(text, field):
    """Credits typed by a person; empty means 0."""
    text = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    return parse_credits(text or "0", field)


def clean_text(value, field, *, max_length, required_message=None):
    """A multi-line text: NFC, trimmed, no control characters but line breaks, not too long."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()
    if has_hidden_characters(text.replace("\n", "")):
        raise DomainError(_("The text contains invisible or control characters."), field)
    if required_message and not text:
        raise DomainError(required_message, field)
    if len(text) > max_length:
        raise DomainError(_("At most %(num)d characters.", num=max_length), field)
    return text


def _line(value, field, *, required_message=None, max_length=120):
    text = clean_line(value)
    if has_hidden_characters(text):
        raise DomainError(_("The text contains invisible or control characters."), field)
    if required_message and not text:
        raise DomainError(required_message, field)
    if len(text) > max_length:
        raise DomainError(_("At most %(num)d characters.", num=max_length), field)
    return text


def parse_course_groups(text, org=None):
    """'a | b' per line -> [['a', 'b'], ...]; every course must exist in the catalogue.

    With `org`, only courses within its reach count (see catalog's `reachable_filter`): an
    admin cannot learn by trying addresses that another union's draft exists.
    """
    groups = []
    for line in str(text or "").splitlines():
        slugs = [s.strip().lower() for s in re.split(r"[|,，、/]", line) if s.strip()]
        if slugs:
            groups.append(list(dict.fromkeys(slugs)))
    if len(groups) > 20:
        raise DomainError(_("At most 20 required courses."), "required_courses")
    wanted = {slug for group in groups for slug in group}
    bad = sorted(slug for slug in wanted if not _SLUG.match(slug))
    if not bad and wanted:
        stmt = select(Course.slug).where(Course.slug.in_(wanted))
        if org is not None:
            stmt = stmt.where(reachable_filter(org))
        found = set(db.session.scalars(stmt))
        bad = sorted(wanted - found)
    if bad:
        raise DomainError(_("No course has the address: %(slugs)s.", slugs=", ".join(bad)[:200]), "required_courses")
    return groups


# ---------------------------------------------------------------- who keeps pathways


def can_keep_pathways(user):
    """True for admins of a national or provincial federation."""
    return getattr(user, "role", None) == "admin" and user.org.kind in KEEPER_KINDS


def _require_keeper(admin):
    if not can_keep_pathways(admin):
        raise NotFound(_("Pathway not found."))


def kept_pathways_query(admin):
    """A SELECT of (Pathway, current PathwayVersion) that this admin keeps."""
    return (
        select(Pathway, PathwayVersion)
        .join(
            PathwayVersion,
            and_(PathwayVersion.pathway_id == Pathway.id, PathwayVersion.version == Pathway.current_version),
        )
        .join(Org, Org.id == Pathway.org_id)
        .options(contains_eager(Pathway.org))
        .where(subtree_filter(admin.org))
        .order_by(Pathway.is_active.desc(), PathwayVersion.title, Pathway.id)
    )


def get_kept_pathway(admin, pathway_id):
    """(pathway, current version) if this admin keeps it; otherwise NotFound."""
    _require_keeper(admin)
    try:
        pathway_id = int(pathway_id)
    except (TypeError, ValueError):
        raise NotFound(_("Pathway not found.")) from None
    row = db.session.execute(kept_pathways_query(admin).where(Pathway.id == pathway_id)).first()
    if row is None:
        raise NotFound(_("Pathway not found."))
    return row[0], row[1]


def course_choices(admin):
    """(slug, title, status) of the courses this keeper may require, by address."""
    return db.session.execute(
        select(Course.slug, Course.title, Course.status)
        .where(Course.status != "archived", reachable_filter(admin.org))
        .order_by(Course.slug)
    ).all()


def versions_of(pathway):
    """Every version of a pathway, newest first."""
    return db.session.scalars(
        select(PathwayVersion).where(PathwayVersion.pathway_id == pathway.id).order_by(PathwayVersion.version.desc())
    ).all()


# ---------------------------------------------------------------- writing a version


def _target(kind, institution, programme, course_name, occupation, level, credits, hours):
    if kind not in TARGET_KINDS:
        raise DomainError(_("Choose what the pathway leads to."), "target_kind")
    institution = _line(
        institution, "institution", required_message=_("Name the institution or body that recognises it.")
    )
    programme = _line(programme, "programme")
    course_name = _line(course_name, "course_name")
    credits = optional_credits(credits, "target_credits")
    minutes = parse_hours(hours, "target_hours")
    if kind == "academic":
        if not programme:
            raise DomainError(_("Name the programme whose credit it grants."), "programme")
        if credits <= 0:
            raise DomainError(_("Academic credit grants more than 0 credits."), "target_credits")
        occupation = level = None
    elif kind == "skill_level":
        if occupation not in OCCUPATION_CODES:
            raise DomainError(_("Choose an occupation from the list."), "occupation")
        if level not in SKILL_LEVEL_CODES or level == "none":
            raise DomainError(_("Choose a skill level from the list."), "level")
        course_name, credits = "", Decimal("0")
    else:
        if not programme:
            raise DomainError(_("Name the certificate."), "programme")
        occupation = level = None
        course_name = ""
    return Target(
        kind=kind,
        institution=institution,
        programme=programme,
        course_name=course_name,
        occupation=occupation,
        level=level,
        credits=credits,
        minutes=minutes,
    )


def save_pathway(admin, pathway=None, *, base_version=None, **fields):
    """Write a new pathway, or the next version of `pathway`; returns the new PathwayVersion.

    `fields` are those of `parse_rule`. `base_version` is the version the admin edited: if
    someone saved another meanwhile, the save is refused rather than overwriting their change.
    """
    _require_keeper(admin)
    if pathway is not None and not admin.org.contains(pathway.org):
        raise NotFound(_("Pathway not found."))
    target, values = parse_rule(**fields, org=admin.org)
    version = _write(
        target, values, org_id=admin.org_id, pathway=pathway, base_version=base_version, created_by_id=admin.id
    )
    audit.record(
        admin,
        "pathway.save",
        "pathway",
        version.pathway_id,
        version.pathway.org.path,
        title=version.title,
        version=version.version,
    )
    return version


def load_pathway(code, org, **fields):
    """Create the pathway named `code` for `org` unless it exists (for data such as the demo's)."""
    if db.session.scalar(select(Pathway.id).where(Pathway.code == code)) is not None:
        return None
    target, values = parse_rule(**fields)
    return _write(target, values, org_id=org.id, code=code)


def parse_rule(
    *,
    title,
    summary="",
    target_kind,
    institution,
    programme="",
    course_name="",
    occupation=None,
    level=None,
    target_credits="0",
    target_hours="0",
    required_courses="",
    min_credits="0",
    min_hours="0",
    categories=(),
    occupations=(),
    within_years=None,
    counts_prior_learning=False,
    cap=None,
    placing_stage="",
    placing_occupation="",
    placing_top="",
    placing_percent="",
    org=None,
):
    """(Target, version values) from what an admin typed, or a DomainError naming the field.

    `org`: the keeper's union, whose reach limits the courses a pathway may require.
    """
    title = _line(title, "title", required_message=_("Give the pathway a title."))
    summary = clean_text(summary, "summary", max_length=2000)
    target = _target(target_kind, institution, programme, course_name, occupation, level, target_credits, target_hours)
    groups = parse_course_groups(required_courses, org)
    min_credits = optional_credits(min_credits, "min_credits")
    min_minutes = parse_hours(min_hours, "min_hours")
    categories = list(dict.fromkeys(categories or []))
    if any(c not in CATEGORIES for c in categories):
        raise DomainError(_("Choose categories from the list."), "categories")
    occupations = list(dict.fromkeys(occupations or []))
    if any(o not in OCCUPATION_CODES and o != "all" for o in occupations):
        raise DomainError(_("Choose occupations from the list."), "occupations")
    cap_value = None
    if str(cap or "").strip():
        cap_value = optional_credits(cap, "cap")
        if cap_value < target.credits:
            raise DomainError(_("The cap cannot be less than the credits the pathway grants."), "cap")
    placing = _placing(placing_stage, placing_occupation, placing_top, placing_percent)
    if not groups and min_credits <= 0 and min_minutes <= 0 and placing is None:
        raise DomainError(
            _("Require at least one course, some credits, some hours or a contest placing."), "required_courses"
        )
    return target, dict(
        title=title,
        summary=summary,
        required_courses=groups,
        min_credits=min_credits,
        min_minutes=min_minutes,
        categories=categories,
        occupations=occupations,
        within_years=_years(within_years),
        counts_prior_learning=bool(counts_prior_learning),
        cap=cap_value,
        placing=placing,
    )


def _placing(stage, occupation, top, percent):
    """A placing rule ({"stage", "occupation", "top", "percent"}) from the form, or None when no stage is chosen."""
    stage = str(stage or "")
    top = unicodedata.normalize("NFKC", str(top or "")).strip()
    percent = unicodedata.normalize("NFKC", str(percent or "")).strip()
    if not stage:
        if top or percent or occupation:
            raise DomainError(_("Choose the contest's stage, or leave the placing empty."), "placing_stage")
        return None
    if stage not in STAGES:
        raise DomainError(_("Choose a stage from the list."), "placing_stage")
    if occupation and occupation not in OCCUPATION_CODES:
        raise DomainError(_("Choose an occupation from the list."), "placing_occupation")
    if bool(top) == bool(percent):
        raise DomainError(
            _("Give either the places (such as 3) or the share (such as 10 per cent): one of the two."), "placing_top"
        )
    if top:
        if not top.isascii() or not top.isdigit() or not 1 <= int(top) <= 10000:
            raise DomainError(_("A whole number from 1 to 10000."), "placing_top")
        return {"stage": stage, "occupation": occupation or None, "top": int(top), "percent": None}
    if not percent.isascii() or not percent.isdigit() or not 1 <= int(percent) <= 100:
        raise DomainError(_("A share from 1 to 100 per cent."), "placing_percent")
    return {"stage": stage, "occupation": occupation or None, "top": None, "percent": int(percent)}


def _write(target, values, *, org_id, pathway=None, base_version=None, created_by_id=None, code=None):
    if pathway is None:
        pathway = Pathway(org_id=org_id, code=code, current_version=1)
        db.session.add(pathway)
        db.session.flush()
        number = 1
    else:
        # A version number the form never sent (edited by hand, or past what the column holds) matches none.
        base = parse_id(base_version) or -1
        number = base + 1
        # The guarded UPDATE lets one of two admins saving at once win; the other is told.
        moved = db.session.execute(
            update(Pathway)
            .where(Pathway.id == pathway.id, Pathway.current_version == base)
            .values(current_version=number)
        ).rowcount
        if moved != 1:
            raise DomainError(
                _(
                    "Someone saved a newer version of this pathway meanwhile. "
                    "Reload the page and make your change again."
                )
            )
        db.session.refresh(pathway)
    db.session.add(target)
    db.session.flush()
    version = PathwayVersion(
        pathway_id=pathway.id, version=number, target_id=target.id, created_by_id=created_by_id, **values
    )
    db.session.add(version)
    db.session.flush()
    return version


def _years(value):
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 50:
        raise DomainError(_("Enter a number of years from 1 to 50, or leave it empty."), "within_years")
    return int(text)


def set_active(admin, pathway, active):
    """Offer a pathway to workers again, or stop offering it (open applications stay)."""
    _require_keeper(admin)
    if not admin.org.contains(pathway.org):
        raise NotFound(_("Pathway not found."))
    pathway.is_active = bool(active)
    title = db.session.scalar(
        select(PathwayVersion.title).where(
            PathwayVersion.pathway_id == pathway.id, PathwayVersion.version == pathway.current_version
        )
    )
    audit.record(
        admin,
        "pathway.activate" if active else "pathway.deactivate",
        "pathway",
        pathway.id,
        pathway.org.path,
        title=title,
    )
    return pathway
