"""The speed benchmark reports a build's CPU time, its worker processes' included."""

import subprocess
import sys
from pathlib import Path

from benchmarks import engines

BURN = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\n"


def test_build_cpu_counts_the_processes_the_build_started(tmp_path: Path, monkeypatch):
    def build_in_a_worker(corpus: Path, index: Path) -> dict[str, float]:
        subprocess.run([sys.executable, "-c", BURN], check=True)  # as a pool's worker
        return {}

    monkeypatch.setitem(engines.BUILD, "burner", build_in_a_worker)
    result = engines.run_build("burner", tmp_path, tmp_path)
    assert result["build_cpu_s"] >= 0.4
    assert result["build_cpu_s"] <= result["build_s"] + 0.5
