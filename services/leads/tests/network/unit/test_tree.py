"""The channel tree's rules: no cycles, bounded depth, depth-first listing."""
from __future__ import annotations

import pytest
from kit.errors import InvalidArgument
from leads.network import tree

# hq ← province ← city ← person
PARENTS = {"hq": None, "province": "hq", "city": "province", "person": "city", "other": None}


def test_a_parent_below_the_node_is_a_cycle():
    for node, parent in (("province", "person"), ("province", "city"), ("hq", "person"),
                         ("city", "city")):
        with pytest.raises(InvalidArgument) as caught:
            tree.check_parent(node, parent, PARENTS.get)
        assert caught.value.reason == "invalid.parent_id"


def test_moves_that_keep_a_tree_pass():
    for node, parent in (("person", "province"), ("city", "other"), ("other", "person"),
                         (None, "person"), ("province", None)):
        assert tree.check_parent(node, parent, PARENTS.get) is None


def test_depth_is_bounded():
    chain = {f"n{i}": (f"n{i - 1}" if i else None) for i in range(tree.MAX_DEPTH)}
    tree.check_parent(None, f"n{tree.MAX_DEPTH - 2}", chain.get)   # the last allowed level
    with pytest.raises(InvalidArgument) as caught:
        tree.check_parent(None, f"n{tree.MAX_DEPTH - 1}", chain.get)
    assert "deeper" in str(caught.value)


def test_an_existing_loop_in_the_data_is_reported_not_followed_forever():
    looped = {"a": "b", "b": "a"}
    with pytest.raises(InvalidArgument):
        tree.check_parent("x", "a", looped.get)


def test_depth_first_order_with_unseen_parents_as_roots():
    parents = {"hq": None, "province": "hq", "city-b": "province", "city-a": "province",
               "orphan": "invisible"}
    ordered = tree.depth_first(list(parents), parents, sort_key=lambda i: i)
    assert ordered == [("hq", 0), ("province", 1), ("city-a", 2), ("city-b", 2),
                       ("orphan", 0)]
