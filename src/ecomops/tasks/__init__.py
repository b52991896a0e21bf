"""The team's task board: actions of the brief become tasks, checked on the data when closed.

- ``model``   statuses, drafts prefilled from a brief action, the board and overdue rule (pure)
- ``checks``  machine-checkable acceptance (``check`` dicts of actions) evaluated on a series (pure)
- ``series``  daily metric series and breakdowns by segment as parameterised SQL (pure text)
- ``reports`` stand-up and end-of-day reports as data and Markdown (pure)
- ``service`` the I/O: tasks, comments and audit rows in the app database, series from the store
"""
