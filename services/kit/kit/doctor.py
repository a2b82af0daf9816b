"""`educrm-doctor` (`make doctor`): the production check of every process, for an operator.

Run it with the environment (or `EDUCRM_CONFIG` file) the processes will get. It prints each
process's findings with what to set, the same check the processes run at start with
`EDUCRM_ENV=production`, and exits 1 when anything is wrong.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from .production_check import all_findings, is_production


def report(environ: Mapping[str, str]) -> tuple[str, int]:
    """The printed report and the exit status."""
    findings = all_findings(environ)
    lines: list[str] = []
    if not is_production(environ):
        lines.append("note: EDUCRM_ENV is not `production`: the processes would start anyway; "
                     "this is what production mode would refuse.")
    if not findings:
        lines.append("no EduCRM service is installed here: nothing to check")
        return "\n".join(lines), 1
    total = 0
    for process, found in findings.items():
        if found:
            total += len(found)
            lines.append(f"{process}: {len(found)} problem(s)")
            lines += [f"  - {finding}" for finding in found]
        else:
            lines.append(f"{process}: ok")
    lines.append(f"{total} problem(s)" if total else "ready for production")
    return "\n".join(lines), 1 if total else 0


def main() -> int:
    text, status = report(os.environ)
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
