"""The demo shop: a realistic multi-channel store generated from a seed, with known incidents.

``generate(out_dir, scale=, seed=, end=)`` writes one file per DATA.md table (UTF-8 CSV by default,
so the files double as import examples) and ``ground_truth.json`` (the injected incidents and the
quiet dates) beside them; ``ground_truth(out_dir)`` reads the incidents back.

- ``catalog``    products: categories, bilingual titles, prices, costs, suppliers
- ``geo``        regions and cities, warehouses, carriers and transit times
- ``calendar``   daily multipliers: growth, weekly and yearly seasonality, festivals, promotions
- ``incidents``  the incident plan and ``ground_truth.json``
- ``traffic``    expected visitors and conversion per day x channel x source x SKU
- ``ads``        campaigns, ad groups, keywords and search terms that drive the ``ads`` source
- ``sales``      the day-by-day simulation: purchases limited by stock, replenishment
- ``orders``     purchases to orders, lines, customers and the timestamp chain
- ``aftersales`` returns, reviews and customer-service messages
- ``market``     promotions, channel listings and competitor prices
- ``service``    ``generate``: runs the steps and writes the files

Pure numpy/pandas, seeded ``numpy.random.Generator``; only ``service`` writes files.

Conventions of the files: Chinese product titles (Tmall/JD/Douyin style) with the English title in
``attributes`` as ``title_en:...``; one store currency (CNY), Shopify being a smaller cross-border
channel; ``traffic.buyers`` counts the paid order lines of each day x channel x source x SKU, so
GMV = visitors x conversion x AOV holds cell by cell; ``ads.orders`` / ``ads.sales`` are the
``ads``-source orders, attributed to ad rows in proportion to clicks.

``ground_truth.json``: ``seed``, ``scale``, ``end``; ``incidents`` (``id``, ``kind``, ``start`` and
``end`` dates included, ``module``, ``process_step``, ``metric_family``, ``metrics``, ``segment``
with DATA.md dimension names, ``alt_segments`` also accepted as right, ``direction``,
``description``, ``detail`` with ``onset`` when the cause began before the data shows it);
``quiet_dates`` (no incident within two days: false alarms are measured there);
``metric_families`` (the metric names that count for each family).
"""

from __future__ import annotations

from ecomops.demo.incidents import Incident, ground_truth
from ecomops.demo.service import DemoResult, generate

__all__ = ["DemoResult", "Incident", "generate", "ground_truth"]
