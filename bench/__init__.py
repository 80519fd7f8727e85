"""Speed and scale benchmark: python -m bench (make bench) writes bench/results.json."""

import os

# The benchmark times every page an analyst sees (Upload and Publish included), in AppTest and in
# the servers it starts: an app with no access configuration serves viewers only.
os.environ.setdefault("ALLIANCE_ROLE", "admin")
