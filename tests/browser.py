"""Serve the app on a store and drive it in Debian's Chromium (Playwright, no browser download)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(
    db_path: Path,
    port: int | None = None,
    env: dict | None = None,
    script: Path | None = None,
    args: list[str] | None = None,
):
    """Run `streamlit run app.py` (or another script) on the store at db_path; yield the base URL.

    args go on the end of the command line, e.g. ["--secrets.files", "/tmp/x/secrets.toml"].
    """
    port = port or free_port()
    environment = {**os.environ, "ALLIANCE_DB": str(db_path), **(env or {})}
    log = open(Path(str(db_path) + f".server-{port}.log"), "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script or ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *(args or []),
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start: see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def launch(playwright):
    """Start headless Debian Chromium."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def wait_ready(page, timeout_ms: int = 30000) -> None:
    """Wait until Streamlit has drawn the page and finished running the script."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    quiet = 0
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count()
        skeleton = page.locator('[data-testid="stSkeleton"]').count()
        quiet = quiet + 1 if not running and not skeleton else 0
        if quiet >= 3:
            return
        page.wait_for_timeout(250)
    raise TimeoutError("the page kept running")


def open_page(page, url: str, timeout_ms: int = 30000) -> None:
    page.goto(url)
    wait_ready(page, timeout_ms)


def page_urls() -> list[tuple[str, str]]:
    """(url path, title) of every page app.py lists."""
    sys.path.insert(0, str(ROOT))
    import ast

    tree = ast.parse((ROOT / "app.py").read_text())
    sections = next(
        node.value for node in tree.body if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SECTIONS"
    )
    # The titles are marked for the catalogues, N_("Overview"): read the marked literal.
    sections = ast.parse(ast.unparse(sections).replace("N_(", "(")).body[0].value
    pages = ast.literal_eval(sections)
    return [
        (("" if file == "overview.py" else file.removesuffix(".py")), title)
        for items in pages.values()
        for file, title, _ in items
        if (ROOT / "app_pages" / file).exists()
    ]
