"""The model version recorded in every result (bump it whenever outputs may change)."""

__version__ = "0.6.0"
