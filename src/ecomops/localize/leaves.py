"""The leaf table, checked once on entry and turned into integer codes and float arrays."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomops.errors import InputError

MISSING = "(missing)"


class LocalizeInputError(InputError):
    """The leaf table handed to ``explain`` cannot be used."""

    code = "localize_input"


@dataclass(frozen=True)
class Leaves:
    """One row per distinct dimension combination (duplicates summed).

    ``codes[i]`` are the codes of dimension ``dims[i]`` into ``labels[i]``; ``value`` / ``expected``
    are the numerator columns, ``denominator`` / ``expected_denominator`` are set in ratio mode.
    """

    dims: tuple[str, ...]
    labels: tuple[np.ndarray, ...]
    codes: tuple[np.ndarray, ...]
    value: np.ndarray
    expected: np.ndarray
    denominator: np.ndarray | None = None
    expected_denominator: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.value)

    @property
    def cards(self) -> tuple[int, ...]:
        return tuple(len(lab) for lab in self.labels)

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    col = frame[column]
    if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        converted = pd.to_numeric(col, errors="coerce")
        bad = converted.isna() & col.notna()
        if bad.any():
            example = col[bad].iloc[0]
            raise LocalizeInputError(
                f"Column '{column}' must be numeric, found {example!r}.",
                hint="give a numeric observed / expected column",
            )
        col = converted
    arr = col.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(arr), arr, 0.0)


def _dimension_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the sorted text labels of a dimension column; missing values become MISSING."""
    raw_codes, uniques = pd.factorize(column, sort=False)
    text = pd.Series(uniques).astype("string").fillna(MISSING).astype(object).to_numpy()
    if (raw_codes < 0).any():
        text = np.append(text, MISSING)
        raw_codes = np.where(raw_codes < 0, len(text) - 1, raw_codes)
    # Two raw values can print alike (1 and "1"): they are one label.
    label_codes, labels = pd.factorize(text, sort=True)
    return label_codes[raw_codes].astype(np.int64), np.asarray(labels, dtype=object)


def _canonical(
    codes: list[np.ndarray], cards: tuple[int, ...], measures: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Sum rows with the same dimension values and sort the rows by their codes.

    The sort makes everything downstream independent of the input row order.
    """
    n = len(codes[0])
    if math.prod(cards) < 2**62:
        key = np.zeros(n, dtype=np.int64)
        for c, k in zip(codes, cards, strict=True):
            key = key * k + c
        uniq, inverse = np.unique(key, return_inverse=True)
    else:
        frame = pd.DataFrame({str(i): c for i, c in enumerate(codes)})
        group, _ = pd.factorize(pd.MultiIndex.from_frame(frame), sort=True)
        uniq, inverse = np.unique(group, return_inverse=True)
    if len(uniq) == n:
        order = np.argsort(inverse, kind="stable")
        return [c[order] for c in codes], [m[order] for m in measures]
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse[::-1]] = np.arange(n)[::-1]
    summed = [np.bincount(inverse, weights=m, minlength=len(uniq)) for m in measures]
    return [c[first] for c in codes], summed


def prepare(
    leaves: pd.DataFrame | pa.Table,
    dims: Sequence[str],
    value: str,
    expected: str,
    denominator: str | None = None,
    expected_denominator: str | None = None,
) -> Leaves:
    """Check the columns, label missing dimension values, sum duplicate combinations.

    In ratio mode a missing ``expected_denominator`` means the observed one (the expected rate
    applies to the traffic that came), and vice versa.
    """
    frame = leaves.to_pandas() if isinstance(leaves, pa.Table) else leaves
    if not isinstance(frame, pd.DataFrame):
        raise LocalizeInputError("The leaf table must be a pandas DataFrame or a pyarrow Table.")
    dims = list(dims)
    if not dims:
        raise LocalizeInputError("Give at least one dimension column.")
    if len(set(dims)) != len(dims):
        raise LocalizeInputError(f"Dimension columns are repeated: {', '.join(dims)}.")
    if denominator is None and expected_denominator is not None:
        denominator = expected_denominator
    if expected_denominator is None and denominator is not None:
        expected_denominator = denominator
    measures = [value, expected] + ([denominator, expected_denominator] if denominator else [])
    for column in dims + [c for c in measures if c is not None]:
        if column not in frame.columns:
            raise LocalizeInputError(
                f"Column '{column}' is not in the leaf table.",
                hint="columns are: " + ", ".join(map(str, frame.columns[:20])),
            )
    overlap = set(dims) & {c for c in measures if c is not None}
    if overlap:
        raise LocalizeInputError(f"Column '{sorted(overlap)[0]}' cannot be both a dimension and a measure.")

    measure_arrays = [_numeric(frame, c) for c in measures if c is not None]
    labels: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for d in dims:
        code, lab = _dimension_codes(frame[d])
        codes.append(code)
        labels.append(lab)
    codes, measure_arrays = _canonical(codes, tuple(len(lab) for lab in labels), measure_arrays)
    arrays = measure_arrays
    return Leaves(
        dims=tuple(dims),
        labels=tuple(labels),
        codes=tuple(codes),
        value=arrays[0],
        expected=arrays[1],
        denominator=arrays[2] if denominator else None,
        expected_denominator=arrays[3] if denominator else None,
    )
