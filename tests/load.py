"""Keep the CPU busy, as a laptop is while mockprep's own worker transcribes.

    with cpu_load(4):   # four spinning processes on this 2-core machine
        ...

The spinners are plain child processes at normal priority; they end when the block ends, whatever
happened inside it, and also if the test process itself dies (each one watches its parent).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator

# Spin, and leave as soon as the parent is gone (its pid changes when it dies and we are re-parented).
SPIN = """
import os, sys
parent = int(sys.argv[1])
n = 0
while True:
    n += 1
    if n % 2_000_000 == 0 and os.getppid() != parent:
        break
"""


@contextlib.contextmanager
def cpu_load(processes: int = 4) -> Iterator[list[int]]:
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(processes):
            procs.append(subprocess.Popen([sys.executable, "-c", SPIN, str(os.getpid())],
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL))
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()
