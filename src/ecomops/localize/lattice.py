"""The cuboid lattice: for every set of dimensions, which element (value combination) each leaf is in.

Element ids are dense mixed-radix codes (dimensions in ascending order) when the cuboid is small,
and hash-factorized codes when the product of cardinalities would be too large for
``np.bincount``. Only the deepest cuboids are aggregated over the leaves (one ``bincount`` each);
every shallower cuboid is rolled up from one of its children through a parent map whose size is
the child cuboid's, not the table's. No Python loop over leaves.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd

Cuboid = tuple[int, ...]


class Lattice:
    """Element ids and parent maps for every cuboid up to ``max_depth + 1`` dimensions."""

    def __init__(self, codes: tuple[np.ndarray, ...], cards: tuple[int, ...], max_depth: int) -> None:
        self.codes = codes
        self.cards = cards
        self.n_dims = len(codes)
        self.n = len(codes[0]) if codes else 0
        self.max_depth = min(max_depth, self.n_dims)
        self.candidates: list[Cuboid] = [
            c for d in range(1, self.max_depth + 1) for c in combinations(range(self.n_dims), d)
        ]
        child_depth = min(self.max_depth + 1, self.n_dims)
        self.cuboids: list[Cuboid] = self.candidates + (
            list(combinations(range(self.n_dims), child_depth)) if child_depth > self.max_depth else []
        )
        deepest = max((len(c) for c in self.cuboids), default=0)
        self.base: list[Cuboid] = [c for c in self.cuboids if len(c) == deepest]
        self.sizes: dict[Cuboid, int] = {}
        self.dense: dict[Cuboid, bool] = {}
        self._hashed: dict[Cuboid, np.ndarray] = {}
        self._full: dict[Cuboid, np.ndarray] = {}
        for c in self.cuboids:
            size = math.prod(self.cards[d] for d in c)
            self.dense[c] = size <= max(4 * self.n, 1 << 16)
            if self.dense[c]:
                self.sizes[c] = size
            else:  # too many possible combinations for a dense array: hash the ones that occur
                frame = pd.DataFrame({str(d): self.codes[d] for d in c})
                ids, uniq = pd.factorize(pd.MultiIndex.from_frame(frame), sort=True)
                self._hashed[c] = ids.astype(np.int64)
                self.sizes[c] = len(uniq)
        # parent map of each (cuboid, extra dimension) pair: child element id -> parent element id
        self.children: dict[Cuboid, list[tuple[Cuboid, np.ndarray]]] = {}
        for c in self.candidates:
            pairs = []
            for j in range(self.n_dims):
                if j not in c and len(c) < deepest:
                    child = tuple(sorted((*c, j)))
                    pairs.append((child, self._parent_map(c, child)))
            self.children[c] = pairs

    def ids(self, cuboid: Cuboid, rows: np.ndarray | None = None) -> np.ndarray:
        """Element id of every leaf (or of the leaves ``rows``) in ``cuboid``."""
        if not self.dense[cuboid]:
            full = self._hashed[cuboid]
            return full if rows is None else full[rows]
        if rows is None and cuboid in self._full:
            return self._full[cuboid]
        key = np.zeros(self.n if rows is None else len(rows), dtype=np.int64)
        for d in cuboid:
            key = key * self.cards[d] + (self.codes[d] if rows is None else self.codes[d][rows])
        if rows is None and cuboid in self.base:
            self._full[cuboid] = key  # the base cuboids are aggregated over all leaves repeatedly
        return key

    def _parent_map(self, parent: Cuboid, child: Cuboid) -> np.ndarray:
        """Parent element id of every child element id."""
        if self.dense[parent] and self.dense[child]:
            # Decode each child element into its dimension codes and re-encode without the extra
            # one: work on the size of the cuboid, not on the number of leaves.
            digits = np.unravel_index(np.arange(self.sizes[child]), [self.cards[d] for d in child])
            by_dim = dict(zip(child, digits, strict=True))
            to_parent = np.zeros(self.sizes[child], dtype=np.int64)
            for d in parent:
                to_parent = to_parent * self.cards[d] + by_dim[d]
            return to_parent
        to_parent = np.zeros(self.sizes[child], dtype=np.int64)
        to_parent[self.ids(child)] = self.ids(parent)
        return to_parent

    def aggregate_all(self, weights: np.ndarray, rows: np.ndarray | None = None) -> dict[Cuboid, np.ndarray]:
        """Sum of ``weights`` (over all leaves, or over ``rows`` only) per element of every cuboid."""
        out: dict[Cuboid, np.ndarray] = {}
        for c in self.base:
            out[c] = np.bincount(self.ids(c, rows), weights=weights, minlength=self.sizes[c])
        for c in reversed(self.candidates):
            if c in out:
                continue
            child, to_parent = self.children[c][0]
            out[c] = np.bincount(to_parent, weights=out[child], minlength=self.sizes[c])
        return out

    def segment(self, cuboid: Cuboid, element: int) -> dict[int, int]:
        """The dimension codes of one element of a cuboid."""
        if self.dense[cuboid]:
            digits = np.unravel_index(element, [self.cards[d] for d in cuboid])
            return {d: int(x) for d, x in zip(cuboid, digits, strict=True)}
        leaf = int(np.flatnonzero(self.ids(cuboid) == element)[0])
        return {d: int(self.codes[d][leaf]) for d in cuboid}

    def members(self, cuboid: Cuboid, element: int) -> np.ndarray:
        """Boolean mask of the leaves in one element."""
        mask = np.ones(self.n, dtype=bool)
        for d, code in self.segment(cuboid, element).items():
            mask &= self.codes[d] == code
        return mask
