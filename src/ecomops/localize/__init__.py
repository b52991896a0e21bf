"""Root-cause localization: which segments (dimension=value combinations) explain a KPI deviation.

``explain(leaves, dims, value, expected, ...)`` takes a leaf table (one row per combination of
dimension values, an observed and an expected column; for ratio KPIs also the observed and
expected denominators) and returns an ``Explanation``: ranked ``RootCause`` elements of any depth
with a score and the share of the change each explains, plus an Adtributor-style
``DimensionSummary`` per dimension. Pure computation (numpy / pandas); file reading lives in
``service``. Methods studied: Squeeze, PSqueeze, RiskLoc, HotSpot, Adtributor, RobustSpot; the
search is our own likelihood-ratio scan (``search``) with a noise model fitted to the data
(``noise``), which is what makes ratio KPIs on tiny segments work.
"""

from ecomops.localize.engine import explain
from ecomops.localize.leaves import MISSING, LocalizeInputError
from ecomops.localize.model import DimensionSummary, DimensionValue, Explanation, RootCause

__all__ = [
    "MISSING",
    "DimensionSummary",
    "DimensionValue",
    "Explanation",
    "LocalizeInputError",
    "RootCause",
    "explain",
]
