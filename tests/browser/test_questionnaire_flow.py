"""The questionnaire in a real browser: answer, attach, submit and export.

The test starts its own server on a free port of 127.0.0.1 with the demo
data in a temporary data folder, and drives Debian's chromium through
Playwright. It needs nothing of the machine beyond ``/usr/bin/chromium``.
"""

import http.client
import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, sync_playwright
from pypdf import PdfReader

from vigil.operations.demo import DEMO_PASSWORD, USERS

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
SERVER_START_SECONDS = 60
CONSULTANT = USERS[0][0]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is missing at /usr/bin/chromium; "
        "install it with apt-get install chromium",
    ),
]


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(data_dir: Path) -> dict[str, str]:
    """Return an environment that uses only the temporary data folder."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("VIGIL_") and name != "DATABASE_URL"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="vigil.settings",
        VIGIL_DATA_DIR=str(data_dir),
        VIGIL_DEBUG="false",
        PYTHONUNBUFFERED="1",
    )
    return environment


def wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log = server.log.read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"the server exited with {server.process.returncode}:\n{log}")
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
        try:
            connection.request("GET", "/accounts/login/")
            connection.getresponse()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    pytest.fail(f"the server did not respond within {SERVER_START_SECONDS} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("vigil-browser")
    environment = server_environment(folder / "data")
    manage = [sys.executable, "-m", "django"]
    demo = subprocess.run(
        [*manage, "demo", "--no-serve"],
        env=environment,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if demo.returncode != 0:
        pytest.fail(f"vigil demo --no-serve failed:\n{demo.stdout}\n{demo.stderr}")

    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=environment,
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Server(port, process, log)
    try:
        wait_until_serving(running)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def page(server: Server) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        # English is the language of the source texts, so the checks below do
        # not depend on the state of the Dutch and French translations.
        context = browser.new_context(
            base_url=server.url,
            locale="en-GB",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def log_in(page: Page) -> None:
    page.goto("/")
    page.fill("#id_username", CONSULTANT)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/")


def answer_in_place(page: Page, code: str, label: str) -> None:
    """Choose ``label`` in the row of norm ``code`` and save it through HTMX."""
    row = page.locator(f'article[data-norm="{code}"]')
    row.locator("select[name$='-option']").select_option(label=label)
    row.locator("button[type=submit]").click()
    saved = page.locator(f'article[data-norm="{code}"] .saved')
    saved.wait_for()
    assert saved.inner_text() == "Saved"


def test_questionnaire_flow(page: Page, tmp_path: Path) -> None:
    year = timezone.localdate().year
    questionnaire = f"/c/demo/questionnaires/{year}"

    # Log in as the demo consultant, who serves two centres, and choose one.
    log_in(page)
    assert page.locator('a[href="/c/demo-buur/"]').count() == 1
    page.click('a[href="/c/demo/"]')
    page.wait_for_url("**/c/demo/")
    assert "OCMW Demodorp" in page.inner_text('[data-testid="active-centre"]')
    header_display = page.eval_on_selector(
        "header.top", "header => getComputedStyle(header).display"
    )
    assert header_display == "flex", "the stylesheet was not applied"

    # Open this year's questionnaire and answer an open norm in place.
    page.click(f'a[href="{questionnaire}/"]')
    page.wait_for_url(f"**{questionnaire}/")
    page.click('nav.chapters a[href="?chapter=4.9"]')
    page.wait_for_url("**?chapter=4.9")
    address_before = page.url
    answer_in_place(page, "4.9.2", "Implemented")
    assert page.url == address_before

    # Attach an evidence file on the norm's own page.
    evidence = tmp_path / "antivirus-rapport.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% antivirus update report\n")
    page.click('article[data-norm="4.9.2"] h3 a')
    page.wait_for_url(f"**{questionnaire}/norms/4.9.2/")
    page.set_input_files("input[type=file][name=file]", str(evidence))
    page.click("section.evidence form[enctype] button[type=submit]")
    page.wait_for_url(f"**{questionnaire}/norms/4.9.2/")
    assert "antivirus-rapport.pdf" in page.inner_text('[data-testid="evidence"]')

    # The submit page lists what is still missing: answer each of those norms.
    page.goto(f"{questionnaire}/submit/")
    missing = page.locator('[data-testid="gaps"] a').all_inner_texts()
    assert "4.9.2" not in missing
    assert missing
    for code in dict.fromkeys(missing):
        page.goto(f"{questionnaire}/norms/{code}/")
        answer_in_place(page, code, "Implemented")
    page.goto(f"{questionnaire}/submit/")
    assert page.locator('[data-testid="gaps"]').count() == 0

    # Submit and read the digest of the submitted content.
    page.click('[data-testid="submit"]')
    page.wait_for_url(f"**{questionnaire}/")
    message = page.inner_text("ul.messages")
    found = re.search(r"SHA-256: ([0-9a-f]{64})", message)
    assert found is not None, message
    digest = found.group(1)
    assert digest in page.inner_text('[data-testid="assessment-facts"]')
    assert page.locator("form.answer-form").count() == 0

    # Download the PDF export of the submitted questionnaire.
    with page.expect_download() as download_info:
        page.click(f'a[href="{questionnaire}/export/pdf/"]')
    download = download_info.value
    content = Path(download.path()).read_bytes()
    text = "\n".join(
        page_of_pdf.extract_text()
        for page_of_pdf in PdfReader(io.BytesIO(content)).pages
    )
    assert download.suggested_filename.endswith(".pdf")
    assert content.startswith(b"%PDF")
    assert "Demodorp" in text
    assert "4.9.2" in text
    assert digest in text
    assert "antivirus-rapport.pdf" in text
