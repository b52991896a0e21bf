"""Ratio KPIs: a success rate and its complement (the failure rate) give the same root causes."""

from __future__ import annotations

import pytest

from ecomops.localize import explain
from ecomops.localize.realistic import make_realistic_case


@pytest.mark.parametrize("seed", [1, 3, 6, 8])
def test_explain_gives_the_same_answer_for_a_success_rate_and_its_failure_rate(seed: int) -> None:
    case = make_realistic_case(seed)
    success = explain(case.leaves, case.dims, *case.columns("success"))
    failure = explain(case.leaves, case.dims, *case.columns("failure"))
    assert success.root_causes, "the incident has a findable cause"
    assert [rc.segment for rc in success.root_causes] == [rc.segment for rc in failure.root_causes]
    for s, f in zip(success.root_causes, failure.root_causes, strict=True):
        assert s.score == pytest.approx(f.score, abs=1e-9)
        assert s.explains == pytest.approx(f.explains, abs=1e-9)
