"""Run the benchmarks: every tests/bench/bench_*.py module's main(), in name order, each in its own process.

    python -m tests.bench                 all of them
    python -m tests.bench ledger realtime  only the modules whose name contains one of the words

A fresh interpreter per module keeps one benchmark's Django setup (settings, database) from leaking into the
next. A module's main() is called with no arguments, as `python -m tests.bench.bench_<name>` would; exit status
is non-zero if any module failed.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def modules(words: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    return [n for n in names if not words or any(w in n for w in words)]


def main(argv: list[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    selected = modules(words)
    if not selected:
        print(f"no benchmark matches {words}; available: {', '.join(modules([]))}")
        return 1
    failed = []
    for name in selected:
        print(f"\n=== {name} ===", flush=True)
        started = time.monotonic()
        code = (
            f"import sys, tests.bench.{name} as m; sys.argv = [{name!r}]; r = m.main(); "
            "sys.exit(r if isinstance(r, int) else 0)"
        )
        rc = subprocess.call([sys.executable, "-c", code], cwd=ROOT)
        verdict = "ok" if rc == 0 else f"FAILED (exit {rc})"
        print(f"=== {name}: {verdict} in {time.monotonic() - started:.0f} s", flush=True)
        if rc:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
