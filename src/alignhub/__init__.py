"""alignhub: a validated, generated catalog of LLM-alignment research."""

__version__ = "0.1.0"
