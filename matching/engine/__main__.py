"""`python -m matching.engine`: see `cli`. The time limit counts from the start of the process.

The cyclic garbage collector is off (the engine builds millions of small objects and no cycles
worth collecting: on XL its passes cost seconds on a loaded machine), and the process ends with
`os._exit` once its output is flushed, so that freeing those objects one by one is not paid for
after the answer is written.
"""

import gc
import os
import sys

gc.disable()

from .cli import main, process_started  # noqa: E402  (after gc.disable, which speeds the imports)

status = main(started=process_started(), guard=True)
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
