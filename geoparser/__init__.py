"""Find place names in running text and resolve them with the offline gazetteer."""
from .parse import Toponym, geoparse

__all__ = ["Toponym", "geoparse"]
