"""Helpers the benchmark scripts share: the machine they ran on and memory figures."""

from __future__ import annotations

import os
import platform


def ram() -> str:
    """The machine's memory, e.g. ``23.4 GiB``."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            kib = int(f.readline().split()[1])
        return f"{kib / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def machine() -> str:
    """One line that says where the figures were measured."""
    return f"{' '.join(platform.uname())}; {os.cpu_count()} CPUs; RAM {ram()}"


def status_mib(field: str) -> float:
    """A memory figure of this process from ``/proc/self/status`` (``VmHWM``, ``VmRSS``)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_rss_mib() -> float:
    """The process's peak RSS: the kernel's high-water mark of its address space.

    Not ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries that across ``execve``, so
    a fresh interpreter started by a larger process reports the parent's peak. ``VmHWM`` belongs
    to the new address space.
    """
    return status_mib("VmHWM")


def rss_mib() -> float:
    """The process's resident set size now."""
    return status_mib("VmRSS")
