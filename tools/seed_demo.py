"""Seed every service's demo data (`make run`). Each service owns its seed module; this only
runs them in dependency order. Refuses in production configuration."""
from __future__ import annotations

import importlib
import os
import sys

# identity first: the other services' demo data refers to its org units and users (scheduling's
# demo campuses take their region and departments from identity's demo org tree, by code).
SEED_MODULES = ["identity.demo_seed", "scheduling.demo_seed"]


def main() -> int:
    if os.environ.get("EDUCRM_ENV", "development") == "production":
        print("refusing to seed demo data: EDUCRM_ENV=production", file=sys.stderr)
        return 1
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
