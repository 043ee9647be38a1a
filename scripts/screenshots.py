"""Take the screenshots of the questionnaire in Dutch and in French.

Run it with the project's virtualenv: ``.venv/bin/python scripts/screenshots.py``.
It prepares the demo data in a temporary data folder, serves it on a free
port of 127.0.0.1, logs in as the demo consultant and saves chapter 4.4 of
this year's questionnaire of the centre ``demo`` as
``docs/screenshots/questionnaire-nl.png`` and ``questionnaire-fr.png``. The
language is switched with the language selector of the page, as a user does.
It needs Debian's chromium at ``/usr/bin/chromium``.
"""

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

REPOSITORY = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
CHAPTER = "4.4"
SERVER_START_SECONDS = 60

# The same login and password as vigil/operations/demo.py prints.
CONSULTANT = "consultant@demo.vigil.test"
DEMO_PASSWORD = "vigil-demo-2026"  # noqa: S105


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(data_dir: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("VIGIL_") and name != "DATABASE_URL"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="vigil.settings",
        VIGIL_DATA_DIR=str(data_dir),
        VIGIL_DEBUG="false",
    )
    return environment


def wait_until_serving(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/accounts/login/")
            connection.getresponse()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise SystemExit(f"the server did not respond within {SERVER_START_SECONDS} s")


def open_chapter(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    page.fill("#id_username", CONSULTANT)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/")
    page.click('a[href="/c/demo/"]')
    page.wait_for_url("**/c/demo/")
    # The questionnaire in progress is the demo's one of the current year.
    page.click('[data-testid="years"] tr:has(.status.draft) td:first-child a')
    page.wait_for_load_state()
    page.click(f'nav.chapters a[href="?chapter={CHAPTER}"]')
    page.wait_for_load_state("networkidle")


def switch_language(page: Page, language: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", language)
    page.wait_for_load_state("networkidle")


def take_screenshots(base_url: str, output: Path) -> list[Path]:
    output.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="nl-BE", viewport=VIEWPORT)
        page = context.new_page()
        open_chapter(page, base_url)
        for language in ("nl", "fr"):
            if page.locator("html").get_attribute("lang") != language:
                switch_language(page, language)
            path = output / f"questionnaire-{language}.png"
            page.screenshot(path=str(path))
            saved.append(path)
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=REPOSITORY / "docs" / "screenshots",
        help="Folder for the PNG files (default: docs/screenshots).",
    )
    arguments = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing; install it: apt-get install chromium")

    with tempfile.TemporaryDirectory(prefix="vigil-screenshots-") as folder:
        environment = server_environment(Path(folder) / "data")
        # Both commands run this script's own Python with fixed arguments.
        manage = [sys.executable, "-m", "django"]
        subprocess.run(  # noqa: S603
            [*manage, "demo", "--no-serve", "--verbosity", "0"],
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        process = subprocess.Popen(  # noqa: S603
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_serving(process, port)
            for path in take_screenshots(f"http://127.0.0.1:{port}", arguments.output):
                print(path)
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
