"""Where the upload flow used to live: kept only for the callers not yet moved to its new homes.

Read, validate and apply are alliance.ingest (the flow: alliance.ingest.load); who is acting is alliance.who.
"""

from alliance.ingest.apply import NOTHING_CHANGED
from alliance.ingest.load import load_file, load_raw
from alliance.ingest.problems import Rejected
from alliance.who import current_user, os_account

__all__ = ["NOTHING_CHANGED", "Rejected", "current_user", "load_file", "load_raw", "os_account"]
