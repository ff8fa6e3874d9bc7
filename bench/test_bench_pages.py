"""How fast the public side answers with 1,000 events (run with `make bench`)."""

import pytest

from planner.extensions import cache


@pytest.mark.parametrize(
    "path",
    ["/", "/events", "/events?country=LV&q=vigil", "/organisations/group-1", "/api/v1/events"],
)
def test_pages(benchmark, bench_client, path):
    response = benchmark(bench_client.get, path)
    assert response.status_code == 200


def test_feed_rebuilt_every_time(benchmark, bench_app, bench_client):
    """The cost of building the whole calendar when nothing is cached."""

    def build():
        cache.clear()
        return bench_client.get("/calendar.ics")

    response = benchmark(build)
    assert response.status_code == 200


def test_feed_served_from_cache(benchmark, bench_client):
    bench_client.get("/calendar.ics")
    response = benchmark(bench_client.get, "/calendar.ics")
    assert response.status_code == 200


def test_embed_listing(benchmark, bench_client):
    response = benchmark(bench_client.get, "/embed/events?organisation=group-1&limit=20")
    assert response.status_code == 200
