"""Find place names in running text and resolve them with the offline gazetteer.

Owns text -> toponyms resolved in their context; imports only `gazetteer` (tests/test_layers.py).
"""
from .parse import Toponym, geoparse

__all__ = ["Toponym", "geoparse"]
