"""The cuboid lattice: for every set of dimensions, which element (value combination) each leaf is in.

Element ids are dense mixed-radix codes when the cuboid is small and hash-factorized codes when
the product of cardinalities would be too large for ``np.bincount``; aggregation is then one
``bincount`` per cuboid and measure, with no Python loop over leaves.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

Cuboid = tuple[int, ...]


class Lattice:
    """Element ids per leaf for every cuboid up to ``max_depth + 1`` dimensions."""

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
        self.ids: dict[Cuboid, np.ndarray] = {}
        self.sizes: dict[Cuboid, int] = {}
        for c in self.cuboids:
            self.ids[c], self.sizes[c] = self._element_ids(c)
        # parent map of each (cuboid, extra dimension) pair: child element id -> parent element id
        self.children: dict[Cuboid, list[tuple[Cuboid, np.ndarray]]] = {}
        for c in self.candidates:
            pairs = []
            for j in range(self.n_dims):
                if j in c:
                    continue
                child = tuple(sorted((*c, j)))
                to_parent = np.zeros(self.sizes[child], dtype=np.int64)
                to_parent[self.ids[child]] = self.ids[c]
                pairs.append((child, to_parent))
            self.children[c] = pairs

    def _element_ids(self, cuboid: Cuboid) -> tuple[np.ndarray, int]:
        size = 1
        for d in cuboid:
            size *= self.cards[d]
        key = np.zeros(self.n, dtype=np.int64)
        if size <= max(4 * self.n, 1 << 16):
            for d in cuboid:
                key = key * self.cards[d] + self.codes[d]
            return key, size
        # Too many possible combinations for a dense array: hash the ones that occur.
        frame = pd.DataFrame({str(d): self.codes[d] for d in cuboid})
        ids, uniq = pd.factorize(pd.MultiIndex.from_frame(frame))
        return ids.astype(np.int64), len(uniq)

    def aggregate(self, cuboid: Cuboid, weights: np.ndarray) -> np.ndarray:
        return np.bincount(self.ids[cuboid], weights=weights, minlength=self.sizes[cuboid])

    def segment(self, cuboid: Cuboid, element: int) -> dict[int, int]:
        """The dimension codes of one element of a cuboid."""
        leaf = int(np.flatnonzero(self.ids[cuboid] == element)[0])
        return {d: int(self.codes[d][leaf]) for d in cuboid}

    def members(self, cuboid: Cuboid, element: int) -> np.ndarray:
        return self.ids[cuboid] == element
