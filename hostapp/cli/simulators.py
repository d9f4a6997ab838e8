"""The demo's gateway simulators: one process per gateway add-on source tree, on known ports.

Each simulator prints its banner with the full gateway URL and the test credentials it
accepts once it listens; the demo reads that line, so the address and credentials it shows
are the ones to paste into the add-on's settings.
A simulator that cannot start (its port is taken) stops the demo with its own error.
"""

from __future__ import annotations

import atexit
import os
import re
import selectors
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from core.gateway.simulator import CREDENTIALS_MARK

STARTUP_SECONDS = 15.0
_URL = re.compile(r"https?://[^\s;,()]+")


@dataclass(frozen=True)
class Started:
    """A simulator that listens: what to type into its add-on's settings."""

    addon_id: str
    #: the full Gateway URL, path included
    url: str
    #: the test credentials it accepts, as its banner names them (``Terminal ID TESTTERMINAL``)
    credentials: str


@dataclass(frozen=True)
class Simulator:
    """A gateway add-on's simulator found in a source tree."""

    #: the add-on id (``ippay``), as ``--simulator-port ippay=8122`` names it
    addon_id: str
    #: the import package whose ``simulator`` module runs it (``splynx_ippay``)
    package: str
    source_tree: Path


def find_simulators(plugins: Path) -> list[Simulator]:
    """Simulators of the add-on source trees under ``plugins``, ordered by add-on id."""
    found = [Simulator(main.parent.parent.name.removeprefix("splynx_"), main.parent.parent.name,
                       main.parent.parent.parent)
             for main in plugins.glob("*/splynx_*/simulator/__main__.py")]
    return sorted(found, key=lambda s: s.addon_id)


def parse_ports(values: tuple[str, ...], known: list[Simulator]) -> dict[str, int]:
    """``("ippay=8122", ...)`` → ``{"ippay": 8122}``; a clear error for anything else."""
    ids = [sim.addon_id for sim in known]
    ports = {}
    for value in values:
        name, _, port = value.partition("=")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise click.BadParameter(f"{value!r}: write ADDON=PORT, e.g. ippay=8122", param_hint="--simulator-port")
        if name not in ids:
            raise click.BadParameter(f"{name!r} has no simulator here; the simulators are: {', '.join(ids) or 'none'}",
                                     param_hint="--simulator-port")
        ports[name] = int(port)
    return ports


def assign_ports(simulators: list[Simulator], chosen: dict[str, int], *, after: int, taken: set[int]) -> dict[str, int]:
    """Every simulator's port: the ``chosen`` ones, the others the next ports after ``after`` in add-on
    id order, skipping ports chosen or ``taken`` (the web and SMTP ports)."""
    ports, used = dict(chosen), set(chosen.values()) | taken
    candidate = after
    for sim in simulators:
        if sim.addon_id in ports:
            continue
        candidate += 1
        while candidate in used:
            candidate += 1
        ports[sim.addon_id] = candidate
        used.add(candidate)
    return ports


def ensure_free(bind: str, port: int, what: str) -> None:
    """Stop with a clear message when ``port`` is already taken."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((bind, port))
        except OSError as exc:
            raise click.ClickException(
                f"{what} cannot listen on {bind}:{port}: {exc.strerror}. Stop what uses the port, or choose "
                "another one (make demo PORT=… / splynx demo --port … --simulator-port ADDON=PORT).") from None


def start(simulators: list[Simulator], bind: str, ports: dict[str, int], log_dir: Path) -> list[Started]:
    """Start each simulator on its port and wait until it listens.

    The processes stop when the demo exits. Their log goes to ``log_dir/<add-on id>.log``.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    started = []
    for sim in simulators:
        port = ports[sim.addon_id]
        ensure_free(bind, port, f"The {sim.addon_id} simulator")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(sim.source_tree),
                                                                         os.environ.get("PYTHONPATH")]))}
        log_path = log_dir / f"{sim.addon_id}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen([sys.executable, "-m", f"{sim.package}.simulator", "--host", bind,
                                        "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=log, text=True)
        atexit.register(process.terminate)
        url, credentials = _banner(process, sim, log_path)
        started.append(Started(sim.addon_id, url, credentials))
    return started


def _banner(process: subprocess.Popen, sim: Simulator, log_path: Path) -> tuple[str, str]:
    """The URL and test credentials from the simulator's banner; a clear error if it exits or stays silent."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if selector.select(timeout=0.2):
            line = process.stdout.readline()
            if match := _URL.search(line):
                return match.group(0), line.partition(CREDENTIALS_MARK)[2].strip()
        if process.poll() is not None:
            break
    process.terminate()
    error = log_path.read_text(errors="replace").strip().splitlines()
    raise click.ClickException(f"The {sim.addon_id} simulator did not start"
                               + (f": {error[-1]}" if error else "") + f" (log: {log_path})")
