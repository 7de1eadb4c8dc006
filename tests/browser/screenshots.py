"""Screenshots of the main pages for ``docs/screenshots/``, from the real server in Chromium.

.venv/bin/python -m tests.browser.screenshots [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from aggregator.demo.processes import start_server, stop_server
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

#: name, path, viewport width, and what to do on the page before the picture.
SHOTS: list[tuple[str, str, int, str | None]] = [
    ("home-nl", "/?lang=nl", 1280, None),
    ("home-en", "/?lang=en", 1280, None),
    ("sign-in-nl", "/sign-in?lang=nl", 1280, None),
    ("sign-in-en", "/sign-in?lang=en", 1280, None),
    ("sign-in-errors-nl", "/sign-in?lang=nl", 1280, "submit"),
    ("home-mobile-nl", "/?lang=nl", 375, None),
    ("sign-in-mobile-en", "/sign-in?lang=en", 375, "submit"),
    ("accessibility-nl", "/accessibility?lang=nl", 1280, None),
]


def _act(page: Page, action: str | None) -> None:
    if action == "submit":
        page.locator("form.lk-form button[type=submit]").click()
        page.wait_for_selector(".lk-error-summary")


def main(out: Path) -> None:
    """Write one PNG per entry of :data:`SHOTS` to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "lekstat.duckdb")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, path, width, action in SHOTS:
                    context = browser.new_context(viewport={"width": width, "height": 800})
                    page = context.new_page()
                    page.goto(server.url + path)
                    _act(page, action)
                    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                    context.close()
                    print(out / f"{name}.png")
                browser.close()
        finally:
            stop_server(server)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
