"""`python -m matching.engine`: see `cli`. The time limit counts from the start of the process."""

import sys

from .cli import main, process_started

sys.exit(main(started=process_started()))
