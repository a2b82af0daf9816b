"""kit.heap: a serving process freezes what start-up built and collects its first generation
less often (checked in a fresh interpreter: the collector's state is process-wide)."""
from __future__ import annotations

import json
import subprocess
import sys

from kit import heap


def test_settle_for_serving_freezes_start_up_and_raises_the_first_threshold():
    script = ("import gc, json\n"
              "from kit import heap\n"
              "before = (gc.get_threshold(), gc.get_freeze_count())\n"
              "heap.settle_for_serving()\n"
              "print(json.dumps([before, (gc.get_threshold(), gc.get_freeze_count())]))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60)
    (threshold_before, frozen_before), (threshold, frozen) = json.loads(done.stdout)
    assert frozen_before == 0 and frozen > 1000  # the interpreter's and kit's own objects
    assert threshold == [heap.GEN0_THRESHOLD, *threshold_before[1:]]
    assert threshold_before[0] < heap.GEN0_THRESHOLD
