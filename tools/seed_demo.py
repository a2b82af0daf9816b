"""Seed every service's demo data (`make run`). Each service owns its seed module; this only
runs them in dependency order. In production it refuses, naming every problem of the
configuration (kit.production_check), demo data first."""
from __future__ import annotations

import importlib
import sys

from kit import production_check

# identity first: the other services' demo data refers to its org units and users (scheduling's
# demo campuses take their region and departments from identity's demo org tree, by code).
SEED_MODULES = ["identity.demo_seed", "scheduling.demo_seed", "leads.demo_seed",
                "enrollment.demo_seed", "finance.demo_seed"]


def refuse_in_production() -> None:
    if not production_check.is_production():
        return
    findings = [production_check.Finding(
        "EDUCRM_ENV", "tools/seed_demo.py seeds demo accounts that share a published password",
        "never seed demo data into a production installation")]
    for process, found in production_check.all_findings().items():
        findings += [production_check.Finding(f"[{process}] {f.setting}", f.problem, f.fix)
                     for f in found]
    raise production_check.ProductionConfigError("seed_demo", findings)


def main() -> int:
    refuse_in_production()
    for name in SEED_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name.split(".")[0]:
                raise  # a broken seed module, not an absent service
            print(f"skipping {name}: service not installed", file=sys.stderr)
            continue
        print(f"seeding {name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
