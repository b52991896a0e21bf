"""Promotions and the e-commerce calendar.

- ``calendar``  the shopping-festival calendar (618, 双11, 双12, Black Friday, 年货节 …) on top of
  the public holidays of the ``holidays`` package: which days carry which event, in which phase.

Pure: takes dates, returns frames. May import ``ecomops.errors`` only.
"""
