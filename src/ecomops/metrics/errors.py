"""Errors of the metric layer (user-facing, one sentence each)."""

from __future__ import annotations

from ecomops.errors import InputError


class MetricError(InputError):
    """A metric query that cannot be answered as asked."""

    code = "metric"


class UnknownMetric(MetricError):
    """A metric name that DATA.md does not define."""

    code = "unknown_metric"


class UnsupportedCut(MetricError):
    """A metric asked for by a dimension (or filter) its data does not carry."""

    code = "unsupported_cut"
