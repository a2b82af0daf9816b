"""Test support for the gateway (never shipped in educrm-gateway): a fake identity service,
the accounts both it and a seeded real identity process hold, and HTTP assertions.

Importable as `fakes` in the pytest session (the repository's pytest `pythonpath` holds
gateway/tests) and in the benchmark (bench/gateway puts gateway/tests on PYTHONPATH)."""
from .assertions import assert_problem, wait_until
from .identity import INTERNAL_TOKEN, FakeIdentity, FakeUser, TokenMinter, serve_fake_identity

__all__ = ["INTERNAL_TOKEN", "FakeIdentity", "FakeUser", "TokenMinter", "assert_problem",
           "serve_fake_identity", "wait_until"]
