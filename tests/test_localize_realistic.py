"""The independent realistic ratio-incident generator: deterministic, and shaped as documented."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomops.localize.realistic import make_realistic_case


def test_realistic_case_is_the_same_for_the_same_seed() -> None:
    a, b = make_realistic_case(5), make_realistic_case(5)
    pd.testing.assert_frame_equal(a.leaves, b.leaves)
    assert a.root_causes == b.root_causes
    assert not make_realistic_case(6).leaves.equals(a.leaves)


def test_realistic_cases_have_sparse_leaves_skewed_denominators_and_small_changes() -> None:
    cases = [make_realistic_case(seed) for seed in range(20)]
    for case in cases:
        assert 3 <= len(case.dims) <= 7
        assert 50 <= len(case.leaves) <= 2000
        frame = case.leaves
        assert (frame["success"] + frame["failure"] == frame["total"]).all()
        assert np.allclose(frame["expected_success"] + frame["expected_failure"], frame["expected_total"])
        for cause in case.true_causes:
            assert 1 <= len(cause) <= 3
    totals = pd.concat([c.leaves["total"] for c in cases])
    assert 5 <= totals.median() <= 30
    assert 0.03 <= (totals == 0).mean() <= 0.2
    assert totals.quantile(0.99) >= 500
    assert sum(1 for c in cases if c.true_causes) >= 15


def test_realistic_label_noise_overspecifies_with_a_condition_the_cause_almost_always_has() -> None:
    noisy = [make_realistic_case(seed, depth=1, overspecified=1.0) for seed in range(30)]
    changed = [c for c in noisy if c.root_causes != c.true_causes]
    assert changed, "some cause has a condition all of its leaves share"
    for case in changed:
        for label, truth in zip(case.root_causes, case.true_causes, strict=True):
            assert truth.items() <= label.items()
            extra = {k: v for k, v in label.items() if k not in truth}
            inside = np.logical_and.reduce([case.leaves[k] == v for k, v in truth.items()])
            traffic = case.leaves["total"] + case.leaves["expected_total"]
            for k, v in extra.items():
                held = traffic[inside & (case.leaves[k] == v)].sum()
                assert held >= 0.75 * traffic[inside].sum()
