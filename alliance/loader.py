"""Where the upload flow used to live, kept only for the three callers outside issue 25's part 1 that still import
from here (alliance/editions.py, components/auth.py, components/first_start.py): the flow is alliance.ingest
(alliance.ingest.load), who is acting alliance.who. Delete it once their import lines name those."""

from alliance.ingest.load import load_raw
from alliance.who import current_user, os_account

__all__ = ["current_user", "load_raw", "os_account"]
