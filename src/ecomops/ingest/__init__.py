"""Import pipeline: store files (CSV/TSV/Excel/Parquet, any supported encoding) into the DATA.md tables.

``reader`` opens files (encoding detection, Excel, Parquet), ``headers`` maps their headers to
contract columns, ``rules`` turns each contract column into set-based validation SQL, ``loader``
validates, writes rejects and upserts one table in one transaction, ``profile`` is the interface
platform profiles (``ingest/profiles``) implement, and ``service`` runs a folder import.
"""
