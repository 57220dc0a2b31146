"""`python -m matching.engine`: see `cli`."""

import sys

from .cli import main

sys.exit(main())
