"""Compile every service's protos (services/<svc>/proto/, owned by the service) into the
contracts package (`contracts.<svc>`), which every client installs instead of the service.

protoc's Python output imports siblings by proto package (`from crm.identity.v1 import ...`);
we rewrite those to relative imports so the stubs live under `contracts` and no top-level `crm`
package is claimed.
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "services" / "contracts" / "contracts"


def compile_service(service_dir: Path) -> list[Path]:
    proto_root = service_dir / "proto"
    protos = sorted(proto_root.rglob("*.proto"))
    if not protos:
        return []
    package = CONTRACTS / service_dir.name
    package.mkdir(parents=True, exist_ok=True)
    include = Path(protoc.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as out:
        args = ["protoc", f"-I{proto_root}", f"-I{include}", f"--python_out={out}",
                f"--pyi_out={out}", f"--grpc_python_out={out}", *map(str, protos)]
        if protoc.main(args) != 0:
            raise SystemExit(f"protoc failed for {service_dir.name}")
        written = []
        for generated in Path(out).rglob("*.py*"):
            text = generated.read_text()
            text = re.sub(r"^from crm\.[\w.]+ import (\w+_pb2)", r"from . import \1", text,
                          flags=re.M)
            target = package / generated.name
            target.write_text(text)
            written.append(target)
    (package / "__init__.py").write_text(
        '"""Generated gRPC stubs: run `make proto`, do not edit."""\n')
    return written


def main() -> None:
    services = [ROOT / "services" / name for name in sys.argv[1:]] or sorted(
        p for p in (ROOT / "services").iterdir() if (p / "proto").is_dir())
    for service_dir in services:
        for path in compile_service(service_dir):
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
