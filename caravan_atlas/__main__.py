"""`python -m caravan_atlas ...` is the same as the `caravan-atlas` console script."""
from caravan_atlas.cli import main

raise SystemExit(main())
