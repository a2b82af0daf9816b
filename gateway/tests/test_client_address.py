"""The client address behind trusted proxies (and only behind them)."""
from __future__ import annotations

from gateway.client_address import ClientAddressResolver


def headers(**values: str) -> list[tuple[bytes, bytes]]:
    return [(name.replace("_", "-").encode(), value.encode()) for name, value in values.items()]


def test_no_trusted_proxy_means_the_peer():
    resolver = ClientAddressResolver(())
    assert not resolver.trusts_any
    assert resolver.resolve("203.0.113.7", headers(x_forwarded_for="198.51.100.1")) == \
        "203.0.113.7"


def test_an_untrusted_peer_cannot_name_an_address():
    resolver = ClientAddressResolver(["10.0.0.0/8"])
    assert resolver.resolve("203.0.113.7", headers(x_forwarded_for="198.51.100.1")) == \
        "203.0.113.7"


def test_the_rightmost_untrusted_hop_is_the_client():
    resolver = ClientAddressResolver(["10.0.0.0/8", "2001:db8:ffff::/48"])
    chain = "6.6.6.6, 198.51.100.1, 10.0.0.2"  # client-chosen, client, inner proxy
    assert resolver.resolve("10.0.0.1", headers(x_forwarded_for=chain)) == "198.51.100.1"
    assert resolver.resolve("2001:db8:ffff::1",
                            headers(x_forwarded_for="2001:db8::7")) == "2001:db8::7"
    # Several header lines are one list, in order.
    assert resolver.resolve("10.0.0.1", [(b"x-forwarded-for", b"198.51.100.3"),
                                         (b"x-forwarded-for", b"10.0.0.9")]) == "198.51.100.3"


def test_forwarded_header():
    resolver = ClientAddressResolver(["10.0.0.0/8"])
    value = 'for=192.0.2.60;proto=http;by=10.0.0.1, for="[2001:db8:cafe::17]:4711"'
    assert resolver.resolve("10.0.0.1", headers(forwarded=value)) == "2001:db8:cafe::17"
    assert resolver.resolve("10.0.0.1", headers(forwarded="for=192.0.2.43:8080")) == \
        "192.0.2.43"


def test_garbage_and_missing_headers_fall_back_to_the_peer():
    resolver = ClientAddressResolver(["10.0.0.0/8"])
    assert resolver.resolve("10.0.0.1", []) == "10.0.0.1"
    assert resolver.resolve("10.0.0.1", headers(x_forwarded_for="not-an-ip")) == "10.0.0.1"
    assert resolver.resolve("10.0.0.1", headers(forwarded="for=unknown")) == "10.0.0.1"
    # Only trusted hops: the leftmost is as far as the chain goes.
    assert resolver.resolve("10.0.0.1", headers(x_forwarded_for="10.0.0.5, 10.0.0.6")) == \
        "10.0.0.5"
