"""Read the store's EoI total over and over until a stop file appears; print each total, or the error seen."""

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alliance.kpis import summary  # noqa: E402
from alliance.store import Store  # noqa: E402

store = Store(sys.argv[1])
stop = Path(sys.argv[2])
deadline = time.monotonic() + 300
while time.monotonic() < deadline and not stop.exists():
    try:
        con = store.connect()
        figures = summary(con, date(2030, 1, 1))
        con.close()
        print(figures["eois"]["total"], figures["eois"]["countries"], flush=True)
    except Exception as error:  # the test fails on any line like this
        print("ERROR", type(error).__name__, error, flush=True)
