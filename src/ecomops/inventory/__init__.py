"""Inventory and supply: demand forecasts, replenishment, slow movers, channel stock consistency.

- ``demand``       daily demand series: the full day grid, censored (zero-stock) days, demand
  classes (ADI / CV²: smooth, erratic, intermittent, lumpy)
- ``uplift``       multiplicative uplift of promotions and festivals, learnt from each SKU's (and
  its category's) own history around past events
- ``forecast``     per-SKU model choice by rolling-origin cross-validation (statsforecast)
- ``replenish``    available stock, cover, stock-out date, safety stock, reorder point, order
  quantity and purchase orders by supplier
- ``slow_movers``  ABC × XYZ, slow movers with a recommended action; ``elasticity`` estimates
  price elasticity from the shop's own price history
- ``channels``     channel listings against sellable stock (oversell risk, lost sales)
- ``export``       the plan as an Excel workbook (bytes)
- ``service``      reads the store and runs the above; ``findings`` turns results into brief findings

Pure modules take frames and dates and never read the clock; only ``service`` and ``findings``
touch the store. May import ``ecomops.promo``, ``ecomops.detect.findings``, ``ecomops.store``,
``ecomops.settings``, ``ecomops.i18n`` and ``ecomops.errors``.
"""
