# English reads dates and times like the French pages: day first, 24-hour clock (core/times.py).
from config.formats.fr.formats import *  # noqa: F403
