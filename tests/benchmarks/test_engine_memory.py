"""The speed benchmark measures each engine's own memory, not its parent's.

Linux carries a parent's peak RSS into `ru_maxrss` of a process it starts (across fork and
exec), so the benchmark reads the engine process's own peak (`VmHWM`) instead.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, resource
from benchmarks.engines import PeakRss
peak = PeakRss()
before = peak.mb()
block = b"\\x01" * (64 * 2**20)
print(json.dumps({
    "own_mb": before,
    "own_after_64_mb": peak.mb(),
    "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc only")
def test_an_engine_started_from_a_large_parent_reports_its_own_peak():
    held = b"\x01" * (300 * 2**20)  # the benchmark parent holding a corpus
    out = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, check=True
    )
    del held
    child = json.loads(out.stdout)
    assert child["ru_maxrss_mb"] > 300  # what the benchmark used to report
    assert child["own_mb"] < 150
    assert 64 < child["own_after_64_mb"] < 250
