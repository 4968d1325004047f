"""What the app lets a browser do: render the workbook, and nothing else.

The Voila server is started with ``workbook.server.voila_command``, exactly as
``workbook app`` starts it. These tests check from the outside that it listens on this
machine only, serves no files (not even the images Voila serves by default), and runs
no code a browser sends to a kernel: only widget messages reach it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, Browse, VoilaApp

from workbook.server import LOCAL, free_port, running, voila_command

pytestmark = pytest.mark.browser

# The smallest valid PNG (1x1): Voila's default allow-list would serve it.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def status_of(url: str) -> int:
    """The HTTP status of a GET (never a notebook page: each GET starts a kernel)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila, started as the app starts it, on a folder holding an image and a data file."""
    folder = tmp_path_factory.mktemp("served")
    (folder / "logo.png").write_bytes(PNG)
    (folder / "roster.csv").write_text("id,name\n1,Ada Lovelace\n", "utf-8")
    (folder / "blank.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "utf-8"
    )
    port = free_port()
    with running(folder, port, cwd=ROOT):
        yield f"http://127.0.0.1:{port}"


def test_the_app_listens_on_this_machine_only() -> None:
    cmd = voila_command(Path("notebooks"), 8866)
    assert LOCAL == "127.0.0.1"
    assert f"--Voila.ip={LOCAL}" in cmd
    assert "--Voila.ip=0.0.0.0" in voila_command(Path("notebooks"), 8866, ip="0.0.0.0")


def test_the_app_serves_no_files_not_even_images(plain_server: str) -> None:
    for name in ("logo.png", "roster.csv", "blank.ipynb", "../README.md"):
        assert status_of(f"{plain_server}/voila/files/{name}") in (403, 404), name
    # The server itself is up and renders the notebook; only files are refused.
    assert status_of(f"{plain_server}/voila/render/blank.ipynb") == 200


# An execute request as a browser could send it on the kernel's websocket. The code
# would create a file; the test checks the file never appears and no reply comes back
# before the reply to a request sent after it.
PROBE = """
async ([kernelId, code]) => {
  const ws = new WebSocket(
    `ws://${location.host}/api/kernels/${kernelId}/channels?session_id=probe`);
  const replies = [];
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("websocket refused"));
  });
  ws.onmessage = (event) => {
    if (typeof event.data !== "string") return;
    const msg = JSON.parse(event.data);
    if (msg.parent_header && msg.parent_header.msg_id === "probe-1") replies.push(msg.msg_type);
  };
  ws.send(JSON.stringify({
    header: {msg_id: "probe-1", msg_type: "execute_request", username: "probe",
             session: "probe", version: "5.3", date: new Date().toISOString()},
    parent_header: {}, metadata: {}, channel: "shell", buffers: [],
    content: {code: code, silent: false, store_history: false, user_expressions: {},
              allow_stdin: false, stop_on_error: true},
  }));
  // Then a request the kernel does answer, on the same channel. Shell requests are
  // handled in order, so once its reply is here, any reply to the execute request
  // would be here too: no fixed wait.
  const answered = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no comm_info_reply in 30 s")), 30000);
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      const msg = JSON.parse(event.data);
      if (msg.parent_header && msg.parent_header.msg_id === "probe-2"
          && msg.msg_type === "comm_info_reply") {
        clearTimeout(timer);
        resolve(msg.msg_type);
      }
    });
  });
  ws.send(JSON.stringify({
    header: {msg_id: "probe-2", msg_type: "comm_info_request", username: "probe",
             session: "probe", version: "5.3", date: new Date().toISOString()},
    parent_header: {}, metadata: {}, channel: "shell", buffers: [], content: {},
  }));
  const control = await answered;
  ws.close();
  return [control, replies];
}
"""


def test_code_sent_from_the_browser_is_not_run(
    browse: Browse, app: VoilaApp, tmp_path: Path
) -> None:
    marker = tmp_path / "executed.txt"
    page = browse.open("index.ipynb", ready=".wb-overview")
    config = json.loads(page.inner_text("#jupyter-config-data"))  # type: ignore[attr-defined]
    kernel_id = config["kernelId"]
    code = f"open({str(marker)!r}, 'w').write('ran')"
    control, replies = page.evaluate(PROBE, [kernel_id, code])  # type: ignore[attr-defined]
    assert control == "comm_info_reply"  # the kernel answered the request sent after it
    assert replies == []  # no execute_reply, no status, no output for the request
    assert not marker.exists()
    # The page's own widgets still work over the same kernel.
    assert page.locator(".wb-overview").is_visible()  # type: ignore[attr-defined]


def test_with_a_token_only_requests_carrying_it_are_served(tmp_path: Path) -> None:
    (tmp_path / "blank.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "utf-8"
    )
    port = free_port()
    with running(tmp_path, port, token="s3cret-for-the-test", cwd=ROOT):
        page = f"http://127.0.0.1:{port}/voila/render/blank.ipynb"
        # Without the token Voila sends the browser to its login page, never the app.
        opener = urllib.request.build_opener(NoRedirect)
        for url in (page, f"{page}?token=wrong"):
            try:
                status = opener.open(url, timeout=10).status
            except urllib.error.HTTPError as exc:
                status = exc.code
            assert status in (302, 403), url
        assert status_of(f"{page}?token=s3cret-for-the-test") == 200


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect (to the login page) instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
