"""educrm-scheduling solve/check end to end, as a subprocess."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from scheduling.timetabling import check, load_instance, load_solution

SERVICE_DIR = Path(__file__).resolve().parents[2]


def run_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduling.cli", *args], cwd=SERVICE_DIR,
                          capture_output=True, text=True, timeout=120, **kw)


def test_check_prints_breakdown_and_fails_on_hard_violations(data_dir):
    proc = run_cli("check", str(data_dir / "toy-example.ctt"), str(data_dir / "toy-example.sol"))
    assert proc.returncode == 1
    assert "hard violations: 5" in proc.stdout and "soft cost: 30" in proc.stdout
    assert "curriculum_compactness" in proc.stdout


def test_check_reports_bad_input(data_dir, tmp_path):
    bad = tmp_path / "bad.sol"
    bad.write_text("Nope A 0 0\n")
    proc = run_cli("check", str(data_dir / "toy-example.ctt"), str(bad))
    assert proc.returncode == 2 and "unknown course" in proc.stderr


def test_solve_then_check(data_dir, tmp_path):
    out = tmp_path / "comp01.sol"
    # No iteration bound: only the time limit can end the search (run_cli waits up to 120 s).
    proc = run_cli("solve", str(data_dir / "comp01.ctt"), "--time-limit", "4", "--seed", "1",
                   "--output", str(out), "--quiet")
    assert proc.returncode in (0, 1), proc.stderr
    assert "stopped by: time" in proc.stdout
    # It wrote its best solution, and what it says of it is what the checker finds. (How good
    # that solution is after 4 s depends on the machine's load: quality is asserted on
    # iteration-bounded runs in test_solver.py.)
    inst = load_instance(data_dir / "comp01.ctt")
    report = check(inst, load_solution(out, inst))
    assert f"hard violations: {report.hard_violations}\n" in proc.stdout
    assert f"soft cost: {report.soft_cost}\n" in proc.stdout
    assert proc.returncode == (0 if report.feasible else 1), proc.stderr
    proc = run_cli("check", str(data_dir / "comp01.ctt"), str(out))
    assert proc.returncode == (0 if report.feasible else 1)
    assert f"hard violations: {report.hard_violations}" in proc.stdout


def test_solve_is_deterministic_with_max_iterations(data_dir, tmp_path):
    outs = []
    for name in ("a.sol", "b.sol"):
        out = tmp_path / name
        proc = run_cli("solve", str(data_dir / "toy-example.ctt"), "--time-limit", "30",
                       "--seed", "5", "--max-iterations", "100000", "--output", str(out), "--quiet")
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_text())
    assert outs[0] == outs[1]


def test_sigterm_writes_best_so_far(data_dir, tmp_path):
    out = tmp_path / "comp01.sol"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scheduling.cli", "solve", str(data_dir / "comp01.ctt"),
         "--time-limit", "3600", "--seed", "1", "--output", str(out)],
        cwd=SERVICE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # the first progress line means the search is running
        line = proc.stderr.readline()
        assert "it=" in line, line
        proc.send_signal(signal.SIGTERM)
        # an hour's time limit: only the signal can end the search within this wait
        stdout, _ = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert "stopped by: stop" in stdout
    inst = load_instance(data_dir / "comp01.ctt")
    assert len(load_solution(out, inst)) == inst.total_lectures
