import pytest

from learnhub.core.errors import DomainError, NotFound
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import (
    OrgChoiceNeeded,
    choose_org,
    create_org,
    get_org_in_scope,
    search_orgs,
    subtree_filter,
)


def test_paths_follow_the_tree(tree):
    assert tree.national.path == f"/{tree.national.id}/"
    assert tree.ent_a1.path == f"/{tree.national.id}/{tree.prov_a.id}/{tree.city_a.id}/{tree.ent_a1.id}/"
    assert tree.ent_a1.ancestor_ids == [tree.national.id, tree.prov_a.id, tree.city_a.id, tree.ent_a1.id]


def test_subtree_is_one_prefix_query(tree):
    below_a = db.session.scalars(db.select(Org).where(subtree_filter(tree.prov_a))).all()
    assert set(below_a) == {tree.prov_a, tree.city_a, tree.ent_a1, tree.ent_a2}


def test_subtree_of_union_1_does_not_catch_union_10(make_org):
    # '/1/' is a prefix of '/1/...' but never of '/10/': the trailing slash matters.
    roots = [make_org(f"全国{i}", "national") for i in range(11)]
    first = roots[0]
    found = db.session.scalars(db.select(Org).where(subtree_filter(first))).all()
    assert found == [first]


def test_tree_shape_is_enforced(tree):
    with pytest.raises(DomainError):
        create_org("车间分会", "enterprise", None)
    with pytest.raises(DomainError):
        create_org("下属工会", "city", tree.ent_a1)
    with pytest.raises(DomainError):
        create_org("   ", "enterprise", tree.city_a)


def test_scope_check_refuses_sibling_and_parent(tree):
    assert get_org_in_scope(tree.ent_a1.id, tree.city_a) == tree.ent_a1
    for outside in (tree.ent_b1, tree.prov_a, tree.national):
        with pytest.raises(NotFound):
            get_org_in_scope(outside.id, tree.city_a)
    for junk in ("abc", None, "1e9", -1):
        with pytest.raises(NotFound):
            get_org_in_scope(junk, tree.city_a)


def test_search_matches_part_of_a_name(tree):
    assert search_orgs("机床", kinds={"enterprise"}) == [tree.ent_a1]
    assert search_orgs("%", kinds={"enterprise"}) == []  # LIKE wildcards are literal


def test_choose_org_narrows_down(tree):
    assert choose_org(None, "电缆", kinds={"enterprise"}) == tree.ent_a2
    assert choose_org(str(tree.ent_b1.id), "", kinds={"enterprise"}) == tree.ent_b1
    with pytest.raises(OrgChoiceNeeded) as several:
        choose_org(None, "市", kinds={"enterprise"})
    assert set(several.value.candidates) == {tree.ent_a1, tree.ent_a2, tree.ent_b1}
    with pytest.raises(DomainError):
        choose_org(None, "不存在的工会", kinds={"enterprise"})
    # An id outside the scope or of the wrong kind is not taken.
    with pytest.raises(DomainError):
        choose_org(str(tree.city_a.id), "", kinds={"enterprise"})
    with pytest.raises(DomainError):
        choose_org(str(tree.ent_b1.id), "", scope_root=tree.city_a, kinds={"enterprise"})
