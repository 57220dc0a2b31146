"""A Redis outage makes the cache fall back to the process's memory, not the page fail
(core/cache.py)."""

from core.cache import TolerantRedisCache
from tests.conftest import closed_port


def test_an_unreachable_redis_falls_back_to_the_process_memory(caplog):
    cache = TolerantRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})
    cache.fallback.clear()

    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is True
    assert cache.add("k", 2) is False  # a lock (allauth's rate limits) works
    assert cache.get_many(["k", "b"]) == {"k": 1}
    assert cache.incr("k") == 2
    cache.set("n", [1.0, 2.0])
    assert cache.get("n") == [1.0, 2.0]
    cache.delete("k")
    assert cache.has_key("k") is False
    assert "cache unavailable" in caplog.text


def test_every_instance_of_one_location_shares_the_fallback_memory():
    location = f"redis://127.0.0.1:{closed_port()}/0"
    one, other = TolerantRedisCache(location, {}), TolerantRedisCache(location, {})
    one.fallback.clear()

    one.set("k", "v")

    assert other.get("k") == "v"  # Django makes one instance per thread: they count together
