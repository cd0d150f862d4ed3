"""The audit log: who changed what, when, in which part of the union tree.

Every feature records its sensitive changes here (roles, unions, ledger entries, pathways,
credentials, publications) in the same transaction as the change itself. An event carries
the path of the union it concerns, so an admin reads the events of their own subtree.

A union admin reads each event as a sentence ("把张伟的角色从职工改为培训师。"): the feature that
records an action also says how to read it, from the names it keeps in the event's details.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_org_path", "org_path", postgresql_ops={"org_path": "varchar_pattern_ops"}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(50), default="")
    action: Mapped[str] = mapped_column(String(40))  # e.g. "person.role", "ledger.reverse"
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(64))
    org_path: Mapped[str] = mapped_column(String(255), default="/")  # the union it concerns
    details: Mapped[dict] = mapped_column(JSON, default=dict)


def record(actor, action, subject_type, subject_id, org_path, **details):
    """Add an event to the log (flushed with the change it describes)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "name", "")[:50],
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        org_path=org_path or "/",
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    return event


def events_query(scope_path, action_prefix=None):
    """A SELECT of the events of the subtree at `scope_path`, newest first."""
    stmt = select(AuditEvent).where(AuditEvent.org_path.startswith(scope_path))
    if action_prefix:
        stmt = stmt.where(AuditEvent.action.startswith(action_prefix, autoescape=True))
    return stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


_LABELS = "learnhub_audit_actions"  # app.extensions key: {action: label}
_SENTENCES = "learnhub_audit_sentences"  # app.extensions key: {action: callable(details) -> str}


def action_label(action):
    """The readable name of an audit action; an action no feature named shows as its code."""
    return current_app.extensions.get(_LABELS, {}).get(action, action)


def describe(event):
    """The event as a sentence a union admin reads: what was done, to whom, with the names kept.

    An event recorded before its action kept the names a sentence needs shows the action's label.
    """
    sentence = current_app.extensions.get(_SENTENCES, {}).get(event.action)
    if sentence is not None:
        try:
            return sentence(event.details or {})
        except (KeyError, TypeError, ValueError):
            pass
    return action_label(event.action)


def amount(credits=None, minutes=None):
    """Credits and minutes as a sentence says them ("0.5 credits and 90 minutes"), leaving out a zero."""
    try:
        credits = Decimal(str(credits or 0))
    except InvalidOperation:
        credits = Decimal(0)
    minutes = int(minutes or 0)
    said_credits = _("%(credits)s credits", credits=f"{credits.normalize():f}") if credits else ""
    said_minutes = _("%(minutes)d minutes", minutes=minutes) if minutes else ""
    if said_credits and said_minutes:
        return _("%(credits)s and %(minutes)s", credits=said_credits, minutes=said_minutes)
    return said_credits or said_minutes


def register_actions(app, labels, sentences):
    """Let a feature name the audit actions it records, from its init_app.

    `labels` maps each action to its name (lazy_gettext); `sentences` maps it to a function of the
    event's details that returns the sentence the log shows (gettext with the details' names).
    Every action needs both: an admin reading the log should never meet a bare code.
    """
    unsaid = sorted(set(labels) ^ set(sentences))
    if unsaid:
        raise ValueError(f"audit actions need both a label and a sentence: {unsaid}")
    app.extensions.setdefault(_LABELS, {}).update(labels)
    app.extensions.setdefault(_SENTENCES, {}).update(sentences)


def init_app(app):
    """Let templates name an action (the audit log page)."""
    app.jinja_env.globals["audit_action_label"] = action_label
    app.jinja_env.globals["audit_sentence"] = describe
