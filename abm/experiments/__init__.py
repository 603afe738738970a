"""Running the model: single runs (``runs``: ``abm.run``), sweeps (``designs`` say what to run,
``executors`` where, ``sweep`` runs them, ``store`` keeps the results), and what is made of
the results (``analysis``, ``figures``); ``scripts`` runs the studies in ``experiments/``.

Builds on ``abm.model`` and ``abm.scenarios``. Importing this package loads nothing heavy:
pyarrow, Dask and matplotlib load with the modules that use them.
"""
