"""The cache is a convenience, never a dependency: with Redis down, pages still answer.

Django's RedisCache raises when Redis is unreachable, so a cached read (recommendations, allauth's
rate limits) would turn a Redis outage into 500s. This backend treats an unreachable Redis as an
empty cache: reads miss, writes are dropped, and the outage is logged (once per call)."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(method, fallback):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache unavailable, %s skipped: %s", method.__name__, error)
            return fallback(*args, **kwargs)

    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


class TolerantRedisCache(RedisCache):
    get = _tolerant(RedisCache.get, _default)
    get_many = _tolerant(RedisCache.get_many, lambda *a, **k: {})
    has_key = _tolerant(RedisCache.has_key, lambda *a, **k: False)
    set = _tolerant(RedisCache.set, lambda *a, **k: None)
    set_many = _tolerant(RedisCache.set_many, lambda *a, **k: [])
    # add() reports "stored": False keeps a rate limiter from counting what it could not store.
    add = _tolerant(RedisCache.add, lambda *a, **k: False)
    touch = _tolerant(RedisCache.touch, lambda *a, **k: False)
    delete = _tolerant(RedisCache.delete, lambda *a, **k: False)
    delete_many = _tolerant(RedisCache.delete_many, lambda *a, **k: None)
    incr = _tolerant(RedisCache.incr, lambda key, delta=1, *a, **k: delta)
    clear = _tolerant(RedisCache.clear, lambda *a, **k: False)
