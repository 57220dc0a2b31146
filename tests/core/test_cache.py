"""A Redis outage makes the cache miss, not the page fail (core/cache.py)."""

from core.cache import TolerantRedisCache
from tests.conftest import closed_port


def test_an_unreachable_redis_reads_as_an_empty_cache(caplog):
    cache = TolerantRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})

    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    assert cache.incr("k") == 1
    cache.set("k", 1)
    cache.delete("k")
    assert "cache unavailable" in caplog.text
