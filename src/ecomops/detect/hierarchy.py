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

- a *weak* child (out of band, under the minimum impact) that explains a flagged parent takes
  its place: the material deviation is the child's (an ad group inside its campaign);
- two overlapping segments of different dimensions (a carrier and a warehouse), or the same
  metric measured two ways: the one whose remainder without the other's leaves is back in its
  band is *crossed by* the other and dropped (``crossed_by``; needs ``Candidate.rest_z``).

The first two tests use the additive pairs of ``scan.Stat`` (observed ``a``, expected ``e``, variance ``v``),
so the remainder ``parent - child`` is computed the same way for sums and for rates.
"""

from __future__ import annotations

import math

from ecomops.detect.scan import Candidate

EXPLAIN_Z = 2.0  # the remainder counts as "back to normal" within this many sigmas
INHERIT_Z = 2.5  # a child whose change differs by less than this is an inheritor
INFORMATIVE_Z = 2.0  # the rest must be able to show the child's change at this many sigmas


def contains(parent: dict[str, str], child: dict[str, str]) -> bool:
    """Whether ``child``'s scope lies inside ``parent``'s (and is strictly more specific)."""
    return len(child) > len(parent) and all(child.get(k) == v for k, v in parent.items())


Pair = tuple[float, float, float]  # (observed a, expected e, variance v)


def _remainder(p: Pair, c: Pair) -> Pair:
    a, e = p[0] - c[0], p[1] - c[1]
    share = max(e, 0.0) / p[1] if p[1] > 0 else 0.0
    v = max(p[2] * share, max(e, 0.0), 1e-9)
    return a, e, v


def explains(p: Candidate, c: Candidate) -> bool:
    a, e, v = _remainder((p.a, p.e, p.v), (c.a, c.e, c.v))
    return abs(a - e) / math.sqrt(v) < EXPLAIN_Z or abs(a - e) < 0.2 * abs(p.a - p.e)


def inherits(p: Candidate, c: Candidate) -> bool:
    pp, cp = (p.a, p.e, p.v), (c.a, c.e, c.v)
    if p.process_step == "pricing" and p.price is not None and c.price is not None:
        pp, cp = p.price, c.price  # a price moves alike everywhere; the margin it costs does not
    a, e, v = _remainder(pp, cp)
    if e <= 0 or cp[1] <= 0:
        return False
    rel_r, rel_c = a / e - 1, cp[0] / cp[1] - 1
    if abs(rel_c) * e < INFORMATIVE_Z * math.sqrt(v):
        return False  # the rest is too small to tell whether it moved like the child
    se = math.sqrt(v / e**2 + cp[2] / cp[1] ** 2)
    return abs(rel_c - rel_r) < INHERIT_Z * se or abs(rel_c - rel_r) < 0.25 * abs(rel_r)


def overlaps(p: Candidate, c: Candidate) -> bool:
    """Same metric and direction (any basis), neither segment inside the other, common leaves."""
    if p.key[:3] != c.key[:3] or p.rest_z is None or c.rest_z is None:
        return False
    if p.key == c.key and (contains(p.scope, c.scope) or contains(c.scope, p.scope)):
        return False  # nested on one basis: ``explains`` / ``inherits`` decide
    if p.segment == c.segment:
        return False
    return all(c.segment.get(k, v) == v for k, v in p.segment.items())


def crossed_by(p: Candidate, c: Candidate) -> bool:
    """Whether ``p``'s deviation is ``c``'s: ``p`` without ``c``'s leaves is back in its band
    while ``c`` without ``p``'s leaves is still out (a warehouse whose late parcels are all one
    carrier's, when that carrier is late from every warehouse). Works across bases: each
    remainder is computed on the candidate's own leaves."""
    assert p.rest_z is not None
    assert c.rest_z is not None
    if abs(p.rest_z(c.segment)) >= EXPLAIN_Z:
        return False
    return contains(p.segment, c.segment) or abs(c.rest_z(p.segment)) >= INHERIT_Z


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
    stand_in: dict[int, list[Candidate]] = {}
    candidate_for: dict[int, int] = {}
    for i, p in enumerate(cands):
        for j, c in enumerate(cands):
            if i == j or i in drop or j in drop or p.key != c.key or not contains(p.scope, c.scope):
                continue
            if p.weak:
                continue  # a weak segment only ever stands in for a parent it explains
            if c.weak:
                if explains(p, c):
                    best = candidate_for.get(i)
                    if best is None or (len(c.segment), -abs(c.z)) < (
                        len(cands[best].segment),
                        -abs(cands[best].z),
                    ):
                        candidate_for[i] = j  # the broadest weak child explaining the parent
                continue
            if inherits(p, c):
                # the most specific parent a child inherits from is the one it is reported under
                if j not in inheritor or len(cands[inheritor[j]].scope) < len(p.scope):
                    inheritor[j] = i
            elif explains(p, c):
                explained.add(i)
    for i, p in enumerate(cands):
        for j, c in enumerate(cands):
            if i == j or i in drop or j in drop or i in explained or not overlaps(p, c):
                continue
            if crossed_by(p, c):
                explained.add(i)
                c.related.append(p)
    for i, j in candidate_for.items():
        explained.add(i)
        stand_in.setdefault(j, []).append(cands[i])
    for j, parents in stand_in.items():
        # the weak child takes the place of the flagged parents it explains, with the largest
        # of their impacts (the material deviation seen above it is its own)
        c = cands[j]
        lead = max(parents, key=lambda q: abs(q.impact))
        c.weak = False
        if abs(lead.impact) > abs(c.impact):
            c.evidence["impact_of"] = lead.segment
            c.impact, c.run_impact = lead.impact, lead.run_impact
        c.related.extend(parents)
    out = []
    for i, c in enumerate(cands):
        if i in drop or i in explained or c.weak:
            continue
        if i in inheritor and inheritor[i] not in explained:
            parent = cands[inheritor[i]]
            parent.related.append(c)
            continue
        out.append(c)
    return out
