"""Detection: expected values and bands per metric and segment, and the findings they yield.

Public API (stable for METRICS / REPORT):

- ``ecomops.detect.baseline.expect(history: pandas.Series (daily, date index), day, *,
  events=(), band_z=3.0, history_days=56, counts=False) -> Expectation`` with ``expected``,
  ``low``, ``high``, ``sigma``, ``n_history``, ``event``; ``Expectation.status(observed)`` gives
  the KPI status (``normal`` / ``high`` / ``low`` / ``unavailable``), ``.z(observed)`` the distance.
  ``baseline.expect_ratio(numerator, denominator, day, denominator_today, ...)`` does the same for
  a rate, with a band that depends on the day's denominator.
- ``ecomops.detect.service.detect(con: ibis.BaseBackend | duckdb connection, day: date,
  settings: Settings) -> Detection(findings: list[Finding], actions: list[Action],
  evidence: dict[str, TrendSeries])`` - the day's findings (sorted per BRIEF.md), the actions
  answering them (priority 1 first) and, per finding id, its metric on its segment with the band.
- ``ecomops.detect.evaluate.run(seeds, scale, ...) -> EvalReport`` (``.table()``, ``.passed``):
  recall / rank / false alarms of ``detect`` on generated demo stores.

Modules:

- ``findings``  the brief's vocabulary (Finding, Action, closed sets) shared by every module
- ``baseline``  expected value + band of daily series and rates (pure numpy)
- ``cubes``     the daily tables detection reads (one SQL query per family, as-of the day)
- ``scan``      segment scan of one family: expectations, z, impact, candidates
- ``hierarchy`` keep the most specific segment that explains a deviation, drop inheritors
- ``detectors`` the detector Protocol and the registry of finding sources (sales, ads, ...)
- ``text``      one-sentence summaries in the store's language
- ``actions``   findings -> prioritized actions with machine-checkable acceptance
- ``service``   ``detect``: the I/O, runs every registered source
- ``evaluate``  the eval harness over demo stores

May import ``ecomops.metrics``, ``ecomops.localize``, ``ecomops.promo``, ``ecomops.inventory``,
``ecomops.store``, ``ecomops.settings``, ``ecomops.report.model`` and ``ecomops.errors``.
"""
