"""Host start-up time (add-ons discovered, app built) next to ``python -c "import flask, sqlalchemy"``.

Each command runs in a fresh interpreter 7 times; the median wall time is reported.
Run: ``.venv/bin/python benchmarks/startup.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

BUILD_APP = ("from hostapp.app import create_app; app = create_app(); "
             "print(len(app.extensions['splynx'].addons.loaded), 'add-ons')")


def median_seconds(code: str, env: dict, runs: int = 7) -> tuple[float, str]:
    timings, output = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        timings.append(time.perf_counter() - started)
        output = result.stdout.strip()
    return statistics.median(timings), output


def main() -> None:
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "SPLYNX_INSTANCE_PATH": instance}
        host, found = median_seconds(BUILD_APP, env)
        flask, _ = median_seconds("import flask, sqlalchemy", env)
        alembic = "alembic" in subprocess.run([sys.executable, "-c", BUILD_APP + "; import sys; print(sorted(sys.modules))"],
                                              env=env, capture_output=True, text=True, check=True).stdout
    print(f"host start-up ({found} discovered): {host * 1000:7.0f} ms")
    print(f"python -c 'import flask, sqlalchemy': {flask * 1000:5.0f} ms")
    print(f"ratio:                              {host / flask:7.2f} (goal <= 2: {'met' if host / flask <= 2 else 'NOT met'}; "
          f"load average {os.getloadavg()[0]:.1f}; alembic imported at start: {'yes' if alembic else 'no'})")


if __name__ == "__main__":
    main()
