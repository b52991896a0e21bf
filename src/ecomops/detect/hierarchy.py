"""Keep the most specific segment that explains a deviation; drop those that merely inherit it.

For every pair of candidates on the same metric and direction where the child's scope contains
the parent's (``{channel: tmall, sku: X}`` inside ``{sku: X}``; a SKU inside its category):

- the child *explains* the parent when the parent without the child is back inside its band:
  the parent is dropped (the problem is the child, not the whole parent);
- the child *inherits* when its relative change is not significantly different from the rest
  of the parent's: the child is dropped (a category slowdown is one finding, not one per SKU).
  That test needs a rest that could show the change: when the rest of the parent is too small
  for the child's relative change to be visible in it (one SKU carrying a whole category on a
  channel), nothing says the parent moved as a whole, and the child - the most specific
  segment - is kept.

Both tests use the additive pairs of ``scan.Stat`` (observed ``a``, expected ``e``, variance ``v``),
so the remainder ``parent - child`` is computed the same way for sums and for rates.
"""

from __future__ import annotations

import math

from ecomops.detect.scan import Candidate

EXPLAIN_Z = 2.0  # the remainder counts as "back to normal" within this many sigmas
INHERIT_Z = 3.0  # a child whose change differs by less than this is an inheritor
INFORMATIVE_Z = 2.0  # the rest must be able to show the child's change at this many sigmas


def contains(parent: dict[str, str], child: dict[str, str]) -> bool:
    """Whether ``child``'s scope lies inside ``parent``'s (and is strictly more specific)."""
    return len(child) > len(parent) and all(child.get(k) == v for k, v in parent.items())


def _remainder(p: Candidate, c: Candidate) -> tuple[float, float, float]:
    a, e = p.a - c.a, p.e - c.e
    share = max(e, 0.0) / p.e if p.e > 0 else 0.0
    v = max(p.v * share, max(e, 0.0), 1e-9)
    return a, e, v


def explains(p: Candidate, c: Candidate) -> bool:
    a, e, v = _remainder(p, c)
    return abs(a - e) / math.sqrt(v) < EXPLAIN_Z or abs(a - e) < 0.2 * abs(p.a - p.e)


def inherits(p: Candidate, c: Candidate) -> bool:
    a, e, v = _remainder(p, c)
    if e <= 0 or c.e <= 0:
        return False
    rel_r, rel_c = a / e - 1, c.a / c.e - 1
    if abs(rel_c) * e < INFORMATIVE_Z * math.sqrt(v):
        return False  # the rest is too small to tell whether it moved like the child
    se = math.sqrt(v / e**2 + c.v / c.e**2)
    return abs(rel_c - rel_r) < INHERIT_Z * se or abs(rel_c - rel_r) < 0.25 * abs(rel_r)


def prune(cands: list[Candidate]) -> list[Candidate]:
    """The candidates left once explained parents and inheriting children are removed."""
    drop: set[int] = set()
    same_scope: dict[tuple[object, ...], int] = {}
    for i, c in enumerate(cands):
        k = (*c.key, tuple(sorted(c.scope.items())))
        j = same_scope.get(k)
        if j is None:
            same_scope[k] = i
        else:  # the same scope reached through two grains: keep the shorter segment
            keep, lose = (j, i) if len(cands[j].segment) <= len(c.segment) else (i, j)
            drop.add(lose)
            same_scope[k] = keep
    explained: set[int] = set()
    inheritor: dict[int, int] = {}
    for i, p in enumerate(cands):
        for j, c in enumerate(cands):
            if i == j or i in drop or j in drop or p.key != c.key or not contains(p.scope, c.scope):
                continue
            if inherits(p, c):
                # the most specific parent a child inherits from is the one it is reported under
                if j not in inheritor or len(cands[inheritor[j]].scope) < len(p.scope):
                    inheritor[j] = i
            elif explains(p, c):
                explained.add(i)
    out = []
    for i, c in enumerate(cands):
        if i in drop or i in explained:
            continue
        if i in inheritor and inheritor[i] not in explained:
            parent = cands[inheritor[i]]
            parent.related.append(c)
            continue
        out.append(c)
    return out
