"""How fast the public pages answer with 1,000 events."""


def test_home_page(benchmark, bench_client):
    response = benchmark(bench_client.get, "/")
    assert response.status_code == 200
