"""Invariants of ``explain`` (Hypothesis): recovery, invariance to row order and names, quiet on noise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecomops.localize import explain

DIMS = ["a", "b", "c", "d"]
HIGH_SCORE = 0.5


def _table(seed: int, cards: list[int], noise: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dims = DIMS[: len(cards)]
    grids = np.meshgrid(*[np.arange(k) for k in cards], indexing="ij")
    frame = pd.DataFrame({d: [f"{d}{i}" for i in g.ravel()] for d, g in zip(dims, grids, strict=True)})
    frame["predict"] = rng.lognormal(4, 1, len(frame))
    frame["real"] = frame["predict"] * (1 + rng.normal(0, noise, len(frame)))
    return frame


shapes = st.lists(st.integers(2, 6), min_size=2, max_size=4)
# "Sufficient size": enough leaves to learn the noise level from the table itself (with a handful
# of leaves a 70 % drop of half of them is as much "noise" as signal).
big_shapes = st.lists(st.integers(2, 6), min_size=3, max_size=4).filter(lambda c: int(np.prod(c)) >= 24)


@dataclass(frozen=True)
class Injection:
    """A generated table (by seed) and the element whose leaves' ``real`` is scaled by ``factor``."""

    seed: int
    cards: tuple[int, ...]
    noise: float
    element: tuple[tuple[str, str], ...]
    factor: float

    def frame(self) -> pd.DataFrame:
        frame = _table(self.seed, list(self.cards), self.noise)
        frame.loc[self.inside(frame), "real"] *= self.factor
        return frame

    def inside(self, frame: pd.DataFrame) -> np.ndarray:
        return np.logical_and.reduce([frame[d] == v for d, v in self.element])

    def signal_to_noise(self) -> float:
        """The injected change over the standard deviation of the whole table's noise."""
        frame = _table(self.seed, list(self.cards), self.noise)
        change = abs(self.factor - 1) * frame.loc[self.inside(frame), "predict"].sum()
        spread = self.noise * float(np.sqrt((frame["predict"] ** 2).sum()))
        return float("inf") if spread == 0 else float(change / spread)


@st.composite
def injections(draw: st.DrawFn) -> Injection:
    cards = draw(big_shapes)
    dims = DIMS[: len(cards)]
    depth = draw(st.integers(1, min(2, len(dims))))
    chosen = sorted(draw(st.permutations(dims))[:depth])
    element = tuple((d, f"{d}{draw(st.integers(0, cards[DIMS.index(d)] - 1))}") for d in chosen)
    return Injection(
        seed=draw(st.integers(0, 2**31)),
        cards=tuple(cards),
        noise=draw(st.floats(0.0, 0.03)),
        element=element,
        factor=draw(st.sampled_from([0.3, 0.5, 0.7, 1.4, 2.0])),
    )


def anomalies() -> st.SearchStrategy[tuple[pd.DataFrame, dict[str, str]]]:
    return injections().map(lambda inj: (inj.frame(), dict(inj.element)))


# Well-posed recovery: the injected change stands out of the table's own noise. Below that a
# small element (a tenth of a percent of the total, +40 %) is honestly indistinguishable from
# noise, and "explains more than half of the change" is false of the data itself.
MIN_SIGNAL_TO_NOISE = 8.0


@settings(max_examples=25, deadline=None)
@given(injections())
def test_explain_always_recovers_an_injected_single_element(injection: Injection) -> None:
    assume(injection.signal_to_noise() >= MIN_SIGNAL_TO_NOISE)
    _assert_recovers(injection)


def test_explain_reports_the_share_of_the_change_an_element_really_explains_when_noise_is_as_large() -> None:
    # Found at random on a fresh machine before the property required a clear signal: +40 % on
    # 2 of 48 leaves while the other leaves' noise moves the total as much again. The element is
    # still found first; it explains 48 % of the actual change, which is what it must report.
    injection = Injection(seed=399661485, cards=(4, 6, 2), noise=0.013274505664350402,
                          element=(("a", "a0"), ("b", "b5")), factor=1.4)
    assert injection.signal_to_noise() < MIN_SIGNAL_TO_NOISE
    frame = injection.frame()
    change = frame["real"] - frame["predict"]
    share = change[injection.inside(frame)].sum() / change.sum()
    top = explain(frame, ["a", "b", "c"], "real", "predict").root_causes[0]
    assert top.segment == dict(injection.element)
    assert top.score > HIGH_SCORE
    assert top.explains == pytest.approx(share, rel=1e-6)
    assert top.explains < 0.5


def _assert_recovers(injection: Injection) -> None:
    frame, element = injection.frame(), dict(injection.element)
    dims = [d for d in DIMS if d in frame.columns]
    result = explain(frame, dims, "real", "predict")
    assert result.root_causes, "nothing found"
    top = result.root_causes[0]
    assert top.segment == element
    assert top.score > HIGH_SCORE
    assert top.explains > 0.5


@settings(max_examples=15, deadline=None)
@given(anomalies(), st.integers(0, 2**31))
def test_explain_answer_does_not_depend_on_row_order_or_value_names(
    case: tuple[pd.DataFrame, dict[str, str]], seed: int
) -> None:
    frame, _ = case
    dims = [d for d in DIMS if d in frame.columns]
    rng = np.random.default_rng(seed)
    shuffled = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    # New names, in a different sort order than the old ones.
    renames = {d: {v: f"{rng.integers(10**6)}-{v}" for v in frame[d].unique()} for d in dims}
    renamed = shuffled.copy()
    for d in dims:
        renamed[d] = renamed[d].map(renames[d])
    back = {d: {new: old for old, new in m.items()} for d, m in renames.items()}

    base = explain(frame, dims, "real", "predict")
    other = explain(renamed, dims, "real", "predict")
    assert [rc.segment for rc in base.root_causes] == [
        {d: back[d][v] for d, v in rc.segment.items()} for rc in other.root_causes
    ]
    for x, y in zip(base.root_causes, other.root_causes, strict=True):
        assert x.score == pytest.approx(y.score, abs=1e-6)
        assert x.explains == pytest.approx(y.explains, abs=1e-6)
    assert [d.dimension for d in base.dimensions] == [d.dimension for d in other.dimensions]


@settings(max_examples=25, deadline=None)
@given(shapes, st.integers(0, 2**31), st.floats(0.0, 0.1))
def test_explain_gives_no_high_score_on_noise_only(cards: list[int], seed: int, noise: float) -> None:
    frame = _table(seed, cards, noise)
    result = explain(frame, DIMS[: len(cards)], "real", "predict")
    assert all(rc.score <= HIGH_SCORE for rc in result.root_causes)


@settings(max_examples=15, deadline=None)
@given(shapes, st.integers(0, 2**31), st.sampled_from([0.01, 0.05, 0.3]))
def test_explain_gives_no_high_score_on_binomial_noise_of_a_ratio(
    cards: list[int], seed: int, rate: float
) -> None:
    frame = _table(seed, cards, 0.0)
    rng = np.random.default_rng(seed + 1)
    visitors = rng.integers(1, 5000, len(frame))
    frame["visitors"] = visitors.astype(float)
    frame["orders"] = rng.binomial(visitors, rate).astype(float)
    frame["expected_orders"] = visitors * rate
    result = explain(frame, DIMS[: len(cards)], "orders", "expected_orders", "visitors", "visitors")
    assert all(rc.score <= HIGH_SCORE for rc in result.root_causes)


@settings(max_examples=200, deadline=None)
@given(rows=st.integers(2, 40), seed=st.integers(0, 10_000), scale=st.sampled_from([1e-3, 1.0, 1e3]))
def test_two_unknown_nnls_matches_scipy(rows: int, seed: int, scale: float) -> None:
    from scipy.optimize import nnls

    from ecomops.localize.noise import nnls2

    rng = np.random.default_rng(seed)
    a = rng.normal(size=(rows, 2)) * [1.0, scale]
    b = rng.normal(size=rows) * 5
    ours, theirs = nnls2(a, b), nnls(a, b)[0]
    assert (ours >= 0).all()
    assert np.sum((a @ ours - b) ** 2) <= np.sum((a @ theirs - b) ** 2) * (1 + 1e-9) + 1e-12


@pytest.mark.parametrize(("q", "dfd"), [(1e-3, 7), (1e-6, 200), (0.05 / 3, 5000), (1e-9, 1)])
def test_f_quantile_matches_scipy_stats(q: float, dfd: int) -> None:
    from scipy.stats import f

    from ecomops.localize.noise import f_isf

    assert f_isf(q, 1, dfd) == pytest.approx(float(f.isf(q, 1, dfd)), rel=1e-9)
