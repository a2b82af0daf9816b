"""The client's address: the TCP peer, or what a trusted proxy says the client was.

X-Forwarded-For and Forwarded are believed only when the peer is one of the configured
proxies (`trusted_proxies`, CIDRs); otherwise anyone could name any address and walk around
the per-address login limits. Behind a chain of trusted proxies the client is the rightmost
address that is not itself a trusted proxy (the leftmost entries are whatever the client
chose to send).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ClientAddressResolver:
    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self._trusted: tuple[_Network, ...] = tuple(
            ipaddress.ip_network(cidr.strip(), strict=False) for cidr in trusted_proxies)

    @property
    def trusts_any(self) -> bool:
        return bool(self._trusted)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._trusted)

    def resolve(self, peer: str, headers: Iterable[tuple[bytes, bytes]]) -> str:
        """`peer`: the TCP peer's address; `headers`: the ASGI header list."""
        if not self._trusted or not self._is_trusted(peer):
            return peer
        hops: list[str] = []
        forwarded: list[str] = []
        for key, value in headers:
            if key == b"x-forwarded-for":
                hops.extend(part.strip() for part in value.decode("latin-1").split(","))
            elif key == b"forwarded":
                forwarded.extend(_forwarded_for(value.decode("latin-1")))
        # X-Forwarded-For is what most proxies send; Forwarded (RFC 7239) when it is alone.
        chain = hops or forwarded
        for hop in reversed(chain):
            if not hop:
                continue
            if not self._is_trusted(hop):
                return hop if _is_address(hop) else peer
        return chain[0] if chain and _is_address(chain[0]) else peer


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _forwarded_for(value: str) -> list[str]:
    """The `for=` addresses of a Forwarded header, in order: `for=192.0.2.1`,
    `for="[2001:db8::1]:4711"`."""
    found = []
    for element in value.split(","):
        for pair in element.split(";"):
            name, _, raw = pair.strip().partition("=")
            if name.lower() != "for":
                continue
            raw = raw.strip().strip('"')
            if raw.startswith("["):
                raw = raw[1:].partition("]")[0]
            elif raw.count(":") == 1:  # IPv4 with a port
                raw = raw.partition(":")[0]
            found.append(raw)
    return found
