"""Host start-up time (add-ons discovered, app built) next to ``python -c "import flask, sqlalchemy"``.

Each command runs once untimed (bytecode caches), then the two take turns in fresh interpreters,
7 times each; the median time from starting the interpreter until the command prints that it is
ready (the app built; the two imports done) is reported. Goal: 2x or less.
Run: ``.venv/bin/python benchmarks/startup.py``. Measured figures: ``benchmarks/README.md``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

BUILD_APP = ("from hostapp.app import create_app; app = create_app(); "
             "print(len(app.extensions['splynx'].addons.loaded), 'add-ons', flush=True)")
BASELINE = "import flask, sqlalchemy; print('ready', flush=True)"


def child_env(instance: str) -> dict:
    """The children's environment: bytecode caches allowed, as pip and Debian byte-compile at install.

    With ``PYTHONDONTWRITEBYTECODE`` set (as some shells and CI runners have it), every run would
    compile the host's and add-ons' sources again while flask and sqlalchemy load their
    installed ``.pyc`` files: that measures the compiler, not the start-up.
    """
    env = {**os.environ, "SPLYNX_INSTANCE_PATH": instance}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_seconds(code: str, env: dict) -> tuple[float, str]:
    """Seconds from starting a fresh interpreter until ``code`` printed its line (ready), and the line.

    The clock stops at that line, not when the process ends: tearing down the interpreter is
    not start-up (and costs the host, with its larger heap, more than the baseline).
    """
    started = time.perf_counter()
    with subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True) as process:
        line = process.stdout.readline()
        ready = time.perf_counter() - started
        process.stdout.read()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, code)
    return ready, line.strip()


def medians(commands: dict[str, str], env: dict, runs: int = 7) -> dict[str, tuple[float, str]]:
    """Median wall time of each command; one untimed run first (caches), then the commands take turns."""
    for code in commands.values():
        run_seconds(code, env)
    timings: dict[str, list[float]] = {name: [] for name in commands}
    output: dict[str, str] = {}
    for _ in range(runs):
        for name, code in commands.items():
            seconds, output[name] = run_seconds(code, env)
            timings[name].append(seconds)
    return {name: (statistics.median(timings[name]), output[name]) for name in commands}


def main() -> None:
    with tempfile.TemporaryDirectory() as instance:
        env = child_env(instance)
        measured = medians({"host": BUILD_APP, "flask": BASELINE}, env)
        alembic = "alembic" in subprocess.run([sys.executable, "-c", BUILD_APP + "; import sys; print(sorted(sys.modules))"],
                                              env=env, capture_output=True, text=True, check=True).stdout
    (host, found), (flask, _) = measured["host"], measured["flask"]
    print(f"host start-up ({found} discovered): {host * 1000:7.0f} ms")
    print(f"python -c 'import flask, sqlalchemy': {flask * 1000:5.0f} ms")
    print(f"ratio:                              {host / flask:7.2f} (goal <= 2: {'met' if host / flask <= 2 else 'NOT met'}; "
          f"load average {os.getloadavg()[0]:.1f}; alembic imported at start: {'yes' if alembic else 'no'})")


if __name__ == "__main__":
    main()
