"""CPU seconds used by other processes, read from Linux's ``/proc`` (user + system, all threads)."""

from __future__ import annotations

import os
from pathlib import Path


def _parse_stat(text: str) -> tuple[int, str, list[str]]:
    """(pid, command name, fields after the name) of one ``/proc/PID/stat`` line."""
    head, fields = text.rsplit(")", 1)
    pid, name = head.split(" (", 1)
    return int(pid), name, fields.split()


def _process_stats() -> list[tuple[int, str, list[str]]]:
    """:func:`_parse_stat` of every live process."""
    stats = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            stats.append(_parse_stat(stat.read_text()))
        except OSError:  # the process ended meanwhile
            continue
    return stats


def _seconds(ticks: int) -> float:
    return ticks / os.sysconf("SC_CLK_TCK")


def _own_ticks(fields: list[str]) -> int:
    return int(fields[11]) + int(fields[12])


def group_cpu_seconds(groups: list[int]) -> float:
    """CPU seconds used so far by the live processes of these process groups."""
    return _seconds(sum(_own_ticks(f) for _, _, f in _process_stats() if int(f[2]) in groups))


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by process ``root`` and its live descendants (a server and its workers)."""
    stats = _process_stats()
    parent = {pid: int(fields[1]) for pid, _, fields in stats}

    def descends(pid: int) -> bool:
        while pid > 0:
            if pid == root:
                return True
            pid = parent.get(pid, 0)
        return False

    return _seconds(sum(_own_ticks(f) for pid, _, f in stats if descends(pid)))


def server_cpu_seconds(names: tuple[str, ...] = ("postgres", "mariadbd", "mysqld")) -> float:
    """CPU seconds used so far by the database server's processes.

    Live processes count their own time, and the server's exited backends are counted in
    their parent's time of waited-for children (which only the server's own processes have).
    """
    return _seconds(sum(_own_ticks(f) + int(f[13]) + int(f[14])
                        for _, name, f in _process_stats() if name in names))


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by one process."""
    return _seconds(_own_ticks(_parse_stat(Path(f"/proc/{pid}/stat").read_text())[2]))
