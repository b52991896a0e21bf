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
"""

from __future__ import annotations

from ecomops.demo.incidents import Incident, ground_truth
from ecomops.demo.service import DemoResult, generate

__all__ = ["DemoResult", "Incident", "generate", "ground_truth"]
