"""The channel tree's pure rules: a parent never below its own child (no cycles), a bounded
depth, and the depth-first order a tree listing is given in."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from .common import invalid

MAX_DEPTH = 12      # hq → province → city → ... ; deeper trees are a data error
K = TypeVar("K")


def check_parent(node_id: str | None, parent_id: str | None,
                 parent_of: Callable[[str], str | None]) -> None:
    """INVALID_ARGUMENT when making `parent_id` the parent of `node_id` (None for a new node)
    would put the node below itself or the tree deeper than MAX_DEPTH. `parent_of` gives a
    channel's current parent (the whole tree, whatever the caller may see)."""
    if parent_id is None:
        return
    if node_id is not None and parent_id == node_id:
        raise invalid("parent_id", "a channel cannot be its own parent",
                      "渠道不能作为自己的上级")
    depth, current, seen = 1, parent_id, set()
    while current is not None:
        if current == node_id or current in seen:
            raise invalid("parent_id", "the parent is below this channel (a cycle)",
                          "上级渠道是本渠道的下级（形成循环）")
        seen.add(current)
        depth += 1
        if depth > MAX_DEPTH:
            raise invalid("parent_id", f"the channel tree is deeper than {MAX_DEPTH} levels",
                          f"渠道层级超过 {MAX_DEPTH} 级")
        current = parent_of(current)


def depth_first(ids: Iterable[K], parent_of: Mapping[K, K | None],
                sort_key: Callable[[K], object]) -> list[tuple[K, int]]:
    """(id, depth) of `ids` depth first: a node whose parent is not among `ids` is a root;
    siblings in `sort_key` order."""
    ids = list(ids)
    present = set(ids)
    children: dict[K | None, list[K]] = {}
    for node in ids:
        parent = parent_of.get(node)
        children.setdefault(parent if parent in present else None, []).append(node)
    for siblings in children.values():
        siblings.sort(key=sort_key)
    ordered: list[tuple[K, int]] = []
    stack = [(root, 0) for root in reversed(children.get(None, []))]
    while stack:
        node, depth = stack.pop()
        ordered.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(node, [])))
    return ordered
