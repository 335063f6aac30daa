"""Run every benchmark module (``benchmarks/bench_*.py``), or the ones named on the command line."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(path.stem for path in here.glob("bench_*.py"))
    if not names:
        print("no benchmarks yet")
        return 0
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
