"""ecomops: an e-commerce operations assistant.

Capabilities live in subpackages (the tree is the architecture):

- ``store``     the analytics store (DuckDB via Ibis) and the app database (SQLAlchemy).
- ``ingest``    files in: readers, header matching, validation, rejects, upserts.
- ``demo``      the demo shop generator with known incidents.
- ``metrics``   metric definitions as Ibis expressions.
- ``detect``    expected values, bands and findings.
- ``localize``  root-cause localization over leaf tables.
- ``report``    the morning brief and its renderings.
- ``inventory`` forecasts, replenishment, slow movers, channel consistency.
- ``web``       the FastAPI console and REST API.
- ``cli``       the Typer command line.

Pure modules never import ``cli`` or ``web``; only ``store`` knows the engine.
"""

__version__ = "0.1.0"
