"""Detection: expected values and bands per metric and segment, and the findings they yield.

``findings`` holds the typed vocabulary of BRIEF.md (Finding, Action and their closed sets),
shared by every module that reports something to the brief (sales, ads, inventory, ...).
May import ``ecomops.metrics``, ``ecomops.localize``, ``ecomops.store.schema`` and ``ecomops.errors``.
"""
