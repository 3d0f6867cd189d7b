"""Homecoming: registry, exchange lists and tracing for staged prisoner exchanges."""

__version__ = "0.1.0"
