"""Load every file of a folder into a store, one at a time; print a JSON line per file.

Run as a separate process by test_corpus.py, so that its peak memory is its own.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alliance import AllianceError  # noqa: E402
from alliance.ingest.load import load_file  # noqa: E402
from alliance.ingest.problems import Rejected  # noqa: E402
from alliance.store import Store  # noqa: E402


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    store = Store(sys.argv[1]).ensure()
    for path in sorted(Path(sys.argv[2]).iterdir()):
        if path.suffix.lower() in (".md",):
            continue
        started = time.perf_counter()
        try:
            load_file(store, path)
            outcome, message = "loaded", ""
        except Rejected as rejected:
            outcome, message = "rejected", str(rejected.problems[0])
        except AllianceError as error:
            outcome, message = "refused", str(error)
        except BaseException as error:  # the test fails on this line: any crash is a bug
            outcome, message = "crash", f"{type(error).__name__}: {error}"
        print(
            json.dumps(
                {
                    "file": path.name,
                    "outcome": outcome,
                    "message": message,
                    "seconds": time.perf_counter() - started,
                    "rss_mb": peak_rss_mb(),
                }
            ),
            flush=True,
        )
