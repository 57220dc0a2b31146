"""The cache is a convenience, never a dependency: with Redis down, pages still answer.

Django's RedisCache raises when Redis is unreachable, so a cached read (recommendations, allauth's
rate limits) would turn a Redis outage into 500s. This backend falls back to the process's own
memory (a LocMemCache of its own) for as long as Redis cannot be reached, each call logged:

- Reads and writes keep working, per process: recommendations are computed again and kept for
  the process (their keys carry the data's version, so never stale).
- The login throttle (allauth's rate limits, whose lock is a cache `add`) keeps counting: in each
  process's memory during the outage. Merely treating the cache as empty would not do: allauth's
  lock would never be taken and every login would be refused (429) after a second's wait; an
  empty cache that "stored" everything would throttle nothing. What the fallback does not do: a
  person locked out before the outage starts again from zero in each server process until Redis
  is back; Redis's own counts (kept on disk, append-only) apply again once it is.
"""

import functools
import logging

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

FALLBACK_MAX_ENTRIES = 10_000  # per process; LocMemCache culls a third of them past it


def _tolerant(name: str):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache unavailable, %s in this process's memory: %s", name, error)
            return getattr(self.fallback, name)(*args, **kwargs)

    return wrapper


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Named after the Redis location: every instance of this cache in the process (Django
        # makes one per thread or async context) shares one memory, with the same key functions.
        self.fallback = LocMemCache(
            f"osez-fallback:{server}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": self.key_prefix,
                "VERSION": self.version,
                "KEY_FUNCTION": params.get("KEY_FUNCTION"),
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )

    get = _tolerant("get")
    get_many = _tolerant("get_many")
    has_key = _tolerant("has_key")
    set = _tolerant("set")
    set_many = _tolerant("set_many")
    add = _tolerant("add")
    touch = _tolerant("touch")
    delete = _tolerant("delete")
    delete_many = _tolerant("delete_many")
    incr = _tolerant("incr")
    clear = _tolerant("clear")
