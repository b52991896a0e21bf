"""Root-cause localization: accuracy on public and generated cases, and speed.

- squeeze: every case of ../shared/datasets/rca_squeeze (Squeeze B0 sample, 9 settings x 5 cases,
  plus the repository example) scored as in the literature: per case TP = predicted elements
  exactly equal to a true one; precision, recall, micro-F1 per setting and overall.
- ratio: funnel-shaped ratio cases from ``ecomops.localize.cases`` (several generator parameter
  sets, one seed each case) scored the same way, plus the top-5 hit rate.
- realistic: ratio cases from the independent generator ``ecomops.localize.realistic`` (sparse
  leaf sets, skewed denominators, noisy expected values, small overall changes, both orientations),
  per family: micro-F1 against the labels, top-5 hit rate, seconds per case. ``--split tune`` uses
  seeds 0.. (the only ones the engine may be tuned on); ``--split holdout`` (default) uses seeds
  from ``HELDOUT_SEED_START`` (100,000) on, never looked at while tuning.
- speed: seconds for 21,600 leaves x 4 dims and 1M leaves x 6 dims, against a baseline measured
  in the same run (one pandas group-by sum per dimension, i.e. the cost of merely reading the
  cube once per dimension). CPU seconds are printed too: on a shared machine wall time includes
  waiting for a core.

    .venv/bin/python benchmarks/rca_bench.py                # everything
    .venv/bin/python benchmarks/rca_bench.py --only squeeze # or ratio / realistic / speed
    .venv/bin/python benchmarks/rca_bench.py --only realistic --cases 40 --split tune
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ecomops.localize import explain
from ecomops.localize.cases import RATIO_SETTINGS, make_ratio_case
from ecomops.localize.realistic import HELDOUT_SEED_START, REALISTIC_SETTINGS, make_realistic_case

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "rca_squeeze"


def _parse_set(text: str) -> set[frozenset[tuple[str, str]]]:
    out = set()
    for element in str(text).split(";"):
        pairs = [p.split("=", 1) for p in element.split("&") if p]
        out.add(frozenset((k.strip(), v.strip()) for k, v in pairs))
    return out


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.cases = self.hits = 0
        self.seconds: list[float] = []

    def add(
        self, predicted: list[dict[str, str]], truth: set[frozenset[tuple[str, str]]], sec: float
    ) -> None:
        pred = {frozenset(p.items()) for p in predicted}
        tp = len(pred & truth)
        self.tp += tp
        self.fp += len(pred) - tp
        self.fn += len(truth) - tp
        self.cases += 1
        self.hits += int(truth <= {frozenset(p.items()) for p in predicted[:5]})
        self.seconds.append(sec)

    def row(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0
        sec = np.asarray(self.seconds)
        return (
            f"{name:<34} cases={self.cases:>3}  P={p:.3f} R={r:.3f} F1={f1:.3f}  "
            f"top5-hit={self.hits / max(self.cases, 1):.3f}  "
            f"mean={sec.mean():.3f}s p95={np.percentile(sec, 95):.3f}s"
        )

    def merge(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.cases += other.cases
        self.hits += other.hits
        self.seconds += other.seconds


def _squeeze_folder(folder: Path, verbose: bool) -> Score:
    score = Score()
    info = pd.read_csv(folder / "injection_info.csv")
    for _, row in info.iterrows():
        path = folder / f"{int(row['timestamp'])}.csv"
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        dims = [c for c in frame.columns if c not in ("real", "predict")]
        frame["real"] = frame["real"].astype(float)
        frame["predict"] = frame["predict"].astype(float)
        t0 = time.perf_counter()
        result = explain(frame, dims, "real", "predict")
        sec = time.perf_counter() - t0
        predicted = [rc.segment for rc in result.root_causes]
        truth = _parse_set(row["set"])
        score.add(predicted, truth, sec)
        if verbose and {frozenset(p.items()) for p in predicted} != truth:
            print(f"  miss {folder.name}/{path.name}: truth={row['set']} got="
                  + ";".join("&".join(f"{k}={v}" for k, v in p.items()) for p in predicted))
    return score


def run_squeeze(verbose: bool) -> None:
    print("== Squeeze B0 sample (additive)")
    total = Score()
    for folder in sorted((DATA / "squeeze_B0_sample").iterdir()):
        s = _squeeze_folder(folder, verbose)
        print(s.row(folder.name))
        total.merge(s)
    print(total.row("overall"))
    example = _squeeze_folder(DATA / "squeeze_repo_example" / "B_cuboid_layer_1_n_ele_1", verbose)
    print(example.row("squeeze_repo_example"))


def run_ratio(verbose: bool, seeds: int) -> None:
    print(f"== Generated ratio cases ({seeds} per setting)")
    total = Score()
    for name, params in RATIO_SETTINGS.items():
        s = Score()
        for seed in range(seeds):
            case = make_ratio_case(seed=seed, **params)
            t0 = time.perf_counter()
            result = explain(case.leaves, case.dims, "orders", "expected_orders",
                             "visitors", "expected_visitors")
            sec = time.perf_counter() - t0
            predicted = [rc.segment for rc in result.root_causes]
            truth = {frozenset(e.items()) for e in case.root_causes}
            s.add(predicted, truth, sec)
            if verbose and {frozenset(p.items()) for p in predicted} != truth:
                print(f"  miss {name} seed={seed}: truth={case.root_causes} got={predicted}")
        print(s.row(name))
        total.merge(s)
    print(total.row("overall"))


def run_realistic(verbose: bool, cases: int, split: str) -> None:
    start = HELDOUT_SEED_START if split == "holdout" else 0
    print(f"== Realistic ratio cases ({cases} per family, {split} seeds {start}..{start + cases - 1})")
    total = Score()
    for name, params in REALISTIC_SETTINGS.items():
        s = Score()
        for seed in range(start, start + cases):
            case = make_realistic_case(seed, **params)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            result = explain(case.leaves, case.dims, *case.columns())
            sec = time.perf_counter() - t0
            predicted = [rc.segment for rc in result.root_causes]
            truth = {frozenset(e.items()) for e in case.root_causes}
            s.add(predicted, truth, sec)
            if verbose and {frozenset(p.items()) for p in predicted} != truth:
                print(f"  miss {name} seed={seed} ({case.orientation}, kpi {case.kpi_change:+.1%}): "
                      f"truth={case.root_causes} got={predicted}")
        print(s.row(name))
        total.merge(s)
    print(total.row("overall"))


def _speed_case(n_dims: int, card: int, seed: int) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    dims = [f"d{i}" for i in range(n_dims)]
    grids = np.meshgrid(*[np.arange(card)] * n_dims, indexing="ij")
    frame = pd.DataFrame(
        {d: np.char.add(d + "_", g.ravel().astype(str)) for d, g in zip(dims, grids, strict=True)}
    )
    predict = rng.lognormal(3, 1.5, len(frame))
    real = predict * (1 + rng.normal(0, 0.05, len(frame)))
    hit = (frame["d0"] == "d0_1").to_numpy() & (frame["d1"] == "d1_2").to_numpy()
    real[hit] *= 0.5
    frame["real"], frame["predict"] = real, predict
    return frame, dims


def run_speed() -> None:
    print("== Speed")
    for n_dims, card, label in ((4, 0, "21,600 leaves x 4 dims"), (6, 10, "1M leaves x 6 dims")):
        if card == 0:
            frame = pd.read_csv(DATA / "squeeze_B0_sample" / "B_cuboid_layer_3_n_ele_3" / "1450653900.csv",
                                dtype={"a": str, "b": str, "c": str, "d": str})
            dims = ["a", "b", "c", "d"]
        else:
            frame, dims = _speed_case(n_dims, card, seed=1)
        t0 = time.perf_counter()
        for d in dims:
            frame.groupby(d, sort=False)[["real", "predict"]].sum()
        base = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        result = explain(frame, dims, "real", "predict")
        sec, cpu = time.perf_counter() - t0, time.process_time() - c0
        found = ";".join("&".join(f"{k}={v}" for k, v in rc.segment.items()) for rc in result.root_causes)
        print(f"{label:<26} explain={sec:.3f}s (cpu {cpu:.3f}s)  baseline(group-by per dim)={base:.3f}s  "
              f"ratio={sec / base:.1f}x  found={found}")
    case = make_realistic_case(HELDOUT_SEED_START, n_dims=5, n_leaves=2000)
    t0, c0 = time.perf_counter(), time.process_time()
    result = explain(case.leaves, case.dims, *case.columns())
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{'ratio ' + str(len(case.leaves)) + ' leaves x 5 dims':<26} explain={sec:.3f}s (cpu {cpu:.3f}s)  "
          f"target < 2 s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["squeeze", "ratio", "realistic", "speed"])
    parser.add_argument("--cases", type=int, default=30, help="realistic cases per family")
    parser.add_argument("--split", choices=["tune", "holdout"], default="holdout",
                        help="realistic seeds: the tuning set or the held-out set")
    parser.add_argument("--seeds", type=int, default=20, help="ratio cases per generator setting")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    if args.only in (None, "squeeze"):
        run_squeeze(args.verbose)
    if args.only in (None, "ratio"):
        run_ratio(args.verbose, args.seeds)
    if args.only in (None, "realistic"):
        run_realistic(args.verbose, args.cases, args.split)
    if args.only in (None, "speed"):
        run_speed()


if __name__ == "__main__":
    main()
