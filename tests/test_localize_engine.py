"""Root-cause localization: public benchmark cases, generated ratio incidents, input handling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from ecomops.localize import MISSING, Explanation, LocalizeInputError, explain
from ecomops.localize.cases import make_ratio_case

SQUEEZE_CASES = [
    ("B_cuboid_layer_1_n_ele_3", 1450821000),
    ("B_cuboid_layer_2_n_ele_2", 1450653900),
    ("B_cuboid_layer_3_n_ele_1", 1451046600),
    ("B_cuboid_layer_3_n_ele_3", 1451170500),
]


Elements = set[frozenset[tuple[str, str]]]


def _squeeze_case(datasets: Path, folder: str, ts: int) -> tuple[pd.DataFrame, Elements]:
    base = datasets / "rca_squeeze" / "squeeze_B0_sample" / folder
    frame = pd.read_csv(base / f"{ts}.csv", dtype={"a": str, "b": str, "c": str, "d": str})
    info = pd.read_csv(base / "injection_info.csv")
    label = info.loc[info["timestamp"] == ts, "set"].iloc[0]
    truth = {frozenset(tuple(p.split("=")) for p in e.split("&")) for e in label.split(";")}
    return frame, truth


def _found(result: Explanation) -> set[frozenset[tuple[str, str]]]:
    return {frozenset(rc.segment.items()) for rc in result.root_causes}


@pytest.mark.parametrize(("folder", "ts"), SQUEEZE_CASES)
def test_explain_finds_exactly_the_injected_elements_in_squeeze_cases(
    datasets: Path, folder: str, ts: int
) -> None:
    frame, truth = _squeeze_case(datasets, folder, ts)
    result = explain(frame, ["a", "b", "c", "d"], "real", "predict")
    assert _found(result) == truth
    assert all(0 < rc.score <= 1 and 0 < rc.explains <= 1 for rc in result.root_causes)
    assert sum(rc.explains for rc in result.root_causes) <= 1 + 1e-9


def test_explain_finds_the_attribute_in_the_squeeze_repository_example(datasets: Path) -> None:
    base = datasets / "rca_squeeze" / "squeeze_repo_example" / "B_cuboid_layer_1_n_ele_1"
    frame = pd.read_csv(base / "1451019300.csv", dtype=str, keep_default_na=False)
    frame[["real", "predict"]] = frame[["real", "predict"]].astype(float)
    dims = ["logstream_idc", "logstream_province", "logstream_isp", "cmatch"]
    result = explain(frame, dims, "real", "predict")
    assert [rc.segment for rc in result.root_causes] == [{"logstream_isp": "ALIBABA"}]


def test_explain_recovers_generated_ratio_incidents_across_shapes() -> None:
    tp = fp = fn = 0
    for seed, (layer, n) in enumerate([(1, 1), (2, 2), (3, 1), (1, 3), (2, 1), (3, 2)]):
        case = make_ratio_case(seed=1000 + seed, layer=layer, n_elements=n)
        result = explain(case.leaves, case.dims, "orders", "expected_orders", "visitors", "expected_visitors")
        found, truth = _found(result), {frozenset(e.items()) for e in case.root_causes}
        tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
    assert 2 * tp / (2 * tp + fp + fn) >= 0.85


def _tiny_segment_table(visitors_in_tiny: float) -> pd.DataFrame:
    """A funnel whose only rate change is in segment a=a0 & b=b0."""
    rng = np.random.default_rng(3)
    a, b, c = np.meshgrid(np.arange(6), np.arange(8), np.arange(5), indexing="ij")
    frame = pd.DataFrame({d: [f"{d}{i}" for i in g.ravel()] for d, g in zip("abc", (a, b, c), strict=True)})
    visitors = rng.integers(2000, 20000, len(frame)).astype(float)
    tiny = (frame["a"] == "a0") & (frame["b"] == "b0")
    visitors[tiny.to_numpy()] = visitors_in_tiny / tiny.sum()
    rate = 0.05
    frame["visitors"] = visitors
    frame["orders"] = rng.binomial(visitors.astype(int), rate).astype(float)
    frame.loc[tiny, "orders"] = np.round(visitors[tiny.to_numpy()] * rate * 3)  # conversion x3
    frame["expected_orders"] = visitors * rate
    frame["expected_visitors"] = visitors
    return frame


def test_explain_ignores_a_conversion_jump_on_a_handful_of_visitors() -> None:
    frame = _tiny_segment_table(visitors_in_tiny=12.0)
    result = explain(frame, ["a", "b", "c"], "orders", "expected_orders", "visitors", "expected_visitors")
    assert all(rc.segment != {"a": "a0", "b": "b0"} for rc in result.root_causes)
    assert all(rc.score < 0.5 for rc in result.root_causes)


def test_explain_finds_the_same_conversion_jump_on_enough_visitors() -> None:
    frame = _tiny_segment_table(visitors_in_tiny=20000.0)
    result = explain(frame, ["a", "b", "c"], "orders", "expected_orders", "visitors", "expected_visitors")
    assert [rc.segment for rc in result.root_causes] == [{"a": "a0", "b": "b0"}]
    top = result.root_causes[0]
    assert top.observed == pytest.approx(3 * top.expected, rel=0.01)
    assert result.kind == "ratio"


def _additive(seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b, c = np.meshgrid(np.arange(5), np.arange(7), np.arange(4), indexing="ij")
    frame = pd.DataFrame({d: [f"{d}{i}" for i in g.ravel()] for d, g in zip("abc", (a, b, c), strict=True)})
    frame["predict"] = rng.lognormal(5, 1, len(frame))
    frame["real"] = frame["predict"] * (1 + rng.normal(0, 0.02, len(frame)))
    return frame


def test_explain_returns_no_root_cause_when_nothing_moved() -> None:
    result = explain(_additive(), ["a", "b", "c"], "real", "predict")
    assert result.root_causes == []
    assert result.to_dict()["root_causes"] == []


def test_explain_treats_missing_dimension_values_as_one_value() -> None:
    frame = _additive()
    frame["b"] = frame["b"].where(frame["b"] != "b3", None)
    frame.loc[frame["b"].isna(), "real"] *= 0.3
    result = explain(frame, ["a", "b", "c"], "real", "predict")
    assert [rc.segment for rc in result.root_causes] == [{"b": MISSING}]


def test_explain_sums_rows_with_the_same_dimension_values() -> None:
    frame = _additive()
    frame.loc[frame["a"] == "a2", "real"] *= 1.6
    halves = pd.concat([frame.assign(real=frame["real"] / 2, predict=frame["predict"] / 2)] * 2)
    whole = explain(frame, ["a", "b", "c"], "real", "predict")
    split = explain(halves, ["a", "b", "c"], "real", "predict")
    assert [rc.segment for rc in split.root_causes] == [{"a": "a2"}]
    assert split.to_dict() == whole.to_dict()


def test_explain_accepts_an_arrow_table_with_zero_and_nan_measures() -> None:
    frame = _additive()
    frame.loc[frame["c"] == "c0", ["real", "predict"]] = 0.0
    frame.loc[frame.index[frame["c"] == "c0"][:3], "real"] = np.nan  # NaN counts as 0
    frame.loc[frame["c"] == "c2", "real"] *= 0.5
    result = explain(pa.Table.from_pandas(frame), ["a", "b", "c"], "real", "predict")
    assert [rc.segment for rc in result.root_causes] == [{"c": "c2"}]
    assert result.root_causes[0].direction == "down"


def test_explain_summary_names_the_dimension_and_value_that_moved() -> None:
    frame = _additive()
    frame.loc[frame["b"] == "b4", "real"] *= 0.4
    result = explain(frame, ["a", "b", "c"], "real", "predict")
    top = result.dimensions[0]
    assert top.dimension == "b"
    assert top.values[0].value == "b4"
    assert top.values[0].share == pytest.approx(1.0, abs=0.1)
    assert {d["dimension"] for d in result.to_dict()["dimensions"]} == {"a", "b", "c"}


def test_explain_rejects_a_missing_column_naming_it() -> None:
    with pytest.raises(LocalizeInputError, match="'nope'"):
        explain(_additive(), ["a", "nope"], "real", "predict")


def test_explain_rejects_a_text_measure_naming_the_value() -> None:
    frame = _additive().astype({"real": object})
    frame.loc[0, "real"] = "n/a"
    with pytest.raises(LocalizeInputError, match=r"'real'.*'n/a'"):
        explain(frame, ["a", "b", "c"], "real", "predict")
