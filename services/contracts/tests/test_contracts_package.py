"""The contracts package is what clients install instead of services: it must stay small."""
from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

SERVICE_PACKAGES = {"identity", "scheduling", "leads", "enrollment", "finance", "notify"}
HEAVY = {"numba", "ortools", "nameko", "eventlet", "sqlalchemy", "jsonschema", "kit"}


def _imported_after(statement: str) -> set[str]:
    """Top-level modules a fresh interpreter has loaded after running `statement`."""
    code = (f"{statement}\nimport json, sys\n"
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_contracts_depend_on_protobuf_and_grpcio_alone():
    requires = {r.split(";")[0].split("[")[0].strip().lower()
                for r in importlib.metadata.requires("educrm-contracts") or ()}
    assert requires == {"grpcio", "protobuf"}
    loaded = _imported_after("import contracts.events, contracts.identity.identity_pb2_grpc, "
                             "contracts.scheduling.scheduling_pb2_grpc")
    assert not loaded & (SERVICE_PACKAGES | HEAVY)


def test_gateway_installs_and_imports_no_service():
    requires = {r.split(";")[0].split("[")[0].strip().lower()
                for r in importlib.metadata.requires("educrm-gateway") or ()}
    assert "educrm-contracts" in requires
    assert not {f"educrm-{name}" for name in SERVICE_PACKAGES} & requires
    loaded = _imported_after("import gateway.app")
    assert not loaded & (SERVICE_PACKAGES | {"numba", "ortools"})


def test_event_types_are_unique_and_named_for_their_producer():
    from contracts.events import EVENT_TYPES, TYPE_PATTERN

    names = [event.type for event in EVENT_TYPES]
    assert len(names) == len(set(names))
    assert all(TYPE_PATTERN.match(name) for name in names)
