"""The morning brief: assembling KPIs, findings and actions for a date, and rendering them.

- ``model``    ``Brief`` and its chart data (trend series with expected bands, bars, heatmaps)
- ``service``  ``build_brief(ws, date)``: reads the store, runs metrics and detection
- ``render``   HTML (self-contained, plotly.js inlined) and xlsx renderings of a ``Brief``

May import ``ecomops.metrics``, ``ecomops.detect``, ``ecomops.localize``, ``ecomops.inventory``,
``ecomops.store`` and ``ecomops.promo``; never ``ecomops.cli`` or ``ecomops.web``.
"""
