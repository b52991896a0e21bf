"""I/O of the localization capability: read a leaf file (CSV or Parquet) and explain it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from ecomops.localize.engine import explain
from ecomops.localize.leaves import LocalizeInputError
from ecomops.localize.model import Explanation

log = logging.getLogger(__name__)

PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}


def read_leaves(path: Path, dims: Sequence[str]) -> pa.Table:
    """The leaf table in ``path``; dimension columns are read as text (codes keep leading zeros)."""
    if not path.is_file():
        raise LocalizeInputError(f"File '{path}' does not exist.")
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            return pq.read_table(path)
        from pyarrow import csv

        from ecomops.ingest.encoding import detect_encoding

        encoding = detect_encoding(path)
        convert = csv.ConvertOptions(
            column_types={d: pa.string() for d in dims},
            null_values=[""],
            strings_can_be_null=True,
        )
        return csv.read_csv(
            path,
            read_options=csv.ReadOptions(encoding=encoding),
            parse_options=csv.ParseOptions(delimiter="\t" if path.suffix.lower() == ".tsv" else ","),
            convert_options=convert,
        )
    except LocalizeInputError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise LocalizeInputError(f"File '{path}' cannot be read as a leaf table: {first}") from exc


def explain_file(
    path: Path,
    dims: Sequence[str],
    value: str,
    expected: str,
    denominator: str | None = None,
    expected_denominator: str | None = None,
    *,
    max_elements: int = 5,
    max_depth: int = 3,
) -> Explanation:
    """Read ``path`` and localize the deviation of ``value`` from ``expected`` in it."""
    table = read_leaves(path, dims)
    wanted = [*dims, value, expected, denominator, expected_denominator]
    for column in wanted:
        if column is not None and column not in table.column_names:
            raise LocalizeInputError(
                f"File '{path}' has no column '{column}'.",
                hint="its columns are: " + ", ".join(table.column_names[:20]),
            )
    log.debug("explaining %s: %d rows", path, table.num_rows)
    try:
        return explain(
            table, dims, value, expected, denominator, expected_denominator,
            max_elements=max_elements, max_depth=max_depth,
        )
    except LocalizeInputError as exc:
        raise LocalizeInputError(f"File '{path}': {exc.message}", hint=exc.hint) from exc
