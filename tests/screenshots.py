"""Take a screenshot of every page at desktop and phone width: python tests/screenshots.py OUTDIR [QUERY].

Uses a store with the built-in and demo data (created in OUTDIR); the PNGs are for people to look at.
"""

import subprocess
import sys
from pathlib import Path

from browser import ROOT, launch, open_page, page_urls, serve
from playwright.sync_api import sync_playwright

out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "screenshots")
query = sys.argv[2] if len(sys.argv) > 2 else ""
out.mkdir(parents=True, exist_ok=True)
db = out / "store" / "alliance.duckdb"
if not db.exists():
    subprocess.run([sys.executable, "-m", "alliance", "init", "--builtin", "--db", str(db)], cwd=ROOT, check=True)
with serve(db) as url, sync_playwright() as p:
    browser = launch(p)
    for width, height, label in ((1400, 1000, "desktop"), (390, 844, "phone")):
        page = browser.new_page(viewport={"width": width, "height": height})
        for path, title in page_urls():
            open_page(page, f"{url}/{path}{'?' + query if query else ''}", 60000)
            page.wait_for_timeout(1500)
            name = out / f"{path or 'overview'}-{label}.png"
            page.screenshot(path=str(name))
            # Streamlit scrolls inside its own container: grow the viewport to take the whole page.
            full = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
            page.set_viewport_size({"width": width, "height": max(height, min(int(full) + 50, 12000))})
            page.wait_for_timeout(800)
            page.screenshot(path=str(name).replace(".png", "-full.png"))
            page.set_viewport_size({"width": width, "height": height})
            errors = page.locator('[data-testid="stException"]').count()
            print(f"{name.name}: {title}{'  EXCEPTION SHOWN' if errors else ''}")
        page.close()
    browser.close()
