"""Org: one union in the tree, with a materialised path for subtree queries."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.core.i18n import lazy_gettext as _l
from learnhub.extensions import db

KINDS = {
    "national": _l("National federation"),
    "province": _l("Provincial federation"),
    "city": _l("City federation"),
    "industry": _l("Industry union"),
    "enterprise": _l("Enterprise union"),
}

# Which kinds may hang below which: the tree's shape is a rule, not a convention.
CHILD_KINDS = {
    None: {"national"},
    "national": {"province", "industry"},
    "province": {"city", "industry", "enterprise"},
    "city": {"industry", "enterprise"},
    "industry": {"industry", "enterprise"},
    "enterprise": set(),
}


class Org(db.Model):
    __tablename__ = "org"
    __table_args__ = (
        CheckConstraint("kind IN ('national', 'province', 'city', 'industry', 'enterprise')", name="kind"),
        # A subtree is one prefix query on `path`; varchar_pattern_ops lets PostgreSQL use it.
        Index("ix_org_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="")
    region_code: Mapped[str | None] = mapped_column(String(12))
    industry: Mapped[str | None] = mapped_column(String(60))

    parent: Mapped["Org | None"] = relationship(remote_side=[id])

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def depth(self):
        return self.path.strip("/").count("/")

    @property
    def ancestor_ids(self):
        """Ids from the root down to this union, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def contains(self, other):
        """True if `other` is this union or lies below it."""
        return other is not None and other.path.startswith(self.path)

    def __repr__(self):
        return f"<Org {self.id} {self.path} {self.name!r}>"
