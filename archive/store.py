"""The store's public names, while its jobs move into their own files (see archive/__init__)."""
from .regrouping import (EXTRACTOR_VERSION, IngestResult, Store, default_url, mask_secrets, mask_url,  # noqa: F401
                         observations, unique_id)
