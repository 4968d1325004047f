"""The JupyterHub deployment (deploy/jupyterhub/jupyterhub_config.py), for real: a hub on
loopback with its proxy, two people signing in through chromium, the app as each one's
page, saves recorded under the name each signed in with, the same programs for both, a
reader who cannot save, and the idle culler stopping a server nobody uses.

The hub runs exactly the configuration ``make hub`` runs; only what the configuration
reads from the environment is changed (ports, folders, a short idle time).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import on_this_machine
from helpers import EXAMPLE, ROOT
from playwright.sync_api import Browser, Page, expect
from traitlets.config import Config

from workbook import files, permissions, server, store
from workbook.errors import InputError
from workbook.server import free_port, stop_group, wait_for_port

CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
VALUES = ROOT / "deploy" / "jupyterhub" / "values.yaml"
CHART_KEYS = {
    "fullnameOverride",
    "nameOverride",
    "enabled",
    "imagePullSecrets",
    "imagePullSecret",
    "custom",
    "hub",
    "proxy",
    "singleuser",
    "scheduling",
    "ingress",
    "prePuller",
    "cull",
    "debug",
    "rbac",
    "global",
    "apps",
    "Chart",
    "Release",
    "Capabilities",
}
"""The top-level sections of the chart's values (Zero to JupyterHub 4.x)."""
PROXY = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
"""Where `make hub` and `make test` install configurable-http-proxy (npm)."""
PASSWORD = "demo-password"
IDLE = 30
"""Seconds the culler lets a server sit unused in this test (an hour in `make hub`)."""


@dataclass
class Hub:
    url: str
    programs: Path
    log: Path

    def log_text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")


def _program(root: Path, key: str, name: str, access: str) -> Path:
    folder = root / key
    shutil.copytree(EXAMPLE, folder)
    design = folder / "design.yaml"
    design.write_text(design.read_text().replace("Northwind Graduate Mentoring", name))
    (folder / permissions.ACCESS).write_text(access)
    return design


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    if not PROXY.exists():
        pytest.fail(
            f"configurable-http-proxy not found at {PROXY}: run `make test` (it installs it)"
        )
    base = tmp_path_factory.mktemp("hub")
    programs = base / "programs"
    programs.mkdir()
    # dana owns both programs; sam edits the first and only reads the second.
    _program(programs, "graduate-program", "Graduate Mentoring", "owner: dana\neditors: [sam]\n")
    _program(programs, "steering-review", "Steering Review", "owner: dana\nreaders: [sam]\n")
    port = free_port()
    env = {
        **os.environ,
        "WORKBOOK_HUB_STATE": str(base / "state"),
        "WORKBOOK_PROGRAMS": str(programs),
        "WORKBOOK_HUB_PASSWORD": PASSWORD,
        "WORKBOOK_HUB_PORT": str(port),
        "WORKBOOK_HUB_API_PORT": str(free_port()),
        "WORKBOOK_HUB_PROXY_PORT": str(free_port()),
        "WORKBOOK_HUB_PROXY": str(PROXY),
        "WORKBOOK_HUB_CULL_AFTER": str(IDLE),
        "WORKBOOK_HUB_CULL_EVERY": "5",
        "WORKBOOK_HUB_ACTIVITY_EVERY": "2",
    }
    env.pop("JUPYTERHUB_USER", None)
    log = base / "hub.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
            cwd=base,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # The hub stops its servers and the culler with SIGINT first; a test run
            # started in the background inherits SIGINT ignored, which would make each
            # stop wait out the hub's timeouts.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            if not (wait_for_port(port, proc, timeout=90) and _answers(hub_api(port))):
                pytest.fail(f"the hub did not start:\n{log.read_text()[-3000:]}")
            yield Hub(f"http://127.0.0.1:{port}", programs, log)
        finally:
            stop_group(proc, timeout=20)


def hub_api(port: int) -> str:
    return f"http://127.0.0.1:{port}/hub/api/"


def _answers(url: str, timeout: float = 60) -> bool:
    """The proxy listens before it routes to the hub: wait for the hub's API to answer
    (its version; no server or kernel is started by asking)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def sign_in(browser: Browser, hub: Hub, name: str) -> Page:
    """A person's own browser (their own cookies), signed in, on the app's home page."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    outside: list[str] = []
    context.on("request", lambda r: outside.append(r.url) if not on_this_machine(r.url) else None)
    page = context.new_page()
    page.outside = outside  # type: ignore[attr-defined]
    page.set_default_timeout(60_000)
    page.goto(hub.url + "/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    # The hub starts the person's server and sends them to the app, nowhere else.
    page.wait_for_url(re.compile(rf"/user/{name}/voila/render/app\.ipynb"), timeout=90_000)
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    page.wait_for_selector(".wb-picker")
    return page


CONFIG_DATA = "JSON.parse(document.getElementById('jupyter-config-data').textContent)"
XSRF = "((document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '')"
SEND_CODE = f"""async (code) => {{
  const cfg = {CONFIG_DATA};
  const ws = new WebSocket(`ws://${{location.host}}${{cfg.baseUrl}}api/kernels/${{cfg.kernelId}}/channels`);
  await new Promise((ok, no) => {{ ws.onopen = ok; ws.onerror = no; }});
  ws.send(JSON.stringify({{channel: 'shell', parent_header: {{}}, metadata: {{}}, buffers: [],
    header: {{msg_id: 'x1', msg_type: 'execute_request', username: '', session: 's',
      version: '5.3'}},
    content: {{code, silent: false}}}}));
  await new Promise(r => setTimeout(r, 1000));
  ws.close();
  return 'sent';
}}"""
"""What a page could send its kernel to run code, given the chance."""
PUT_FILE = f"""async () => {{
  const cfg = {CONFIG_DATA};
  const r = await fetch(`${{cfg.baseUrl}}api/contents/page.ipynb`, {{method: 'PUT',
    headers: {{'X-XSRFToken': {XSRF}, 'Content-Type': 'application/json'}},
    body: JSON.stringify({{type: 'file', format: 'text', content: 'x'}})}});
  return {{status: r.status, text: await r.text()}};
}}"""
GET_LISTING = f"""async () => {{
  const cfg = {CONFIG_DATA};
  const r = await fetch(`${{cfg.baseUrl}}api/contents/`, {{headers: {{'X-XSRFToken': {XSRF}}}}});
  return r.status;
}}"""


def program_names(page: Page) -> list[str]:
    return page.locator(".wb-program-open").all_inner_texts()


def save_sponsor(page: Page, program: str, sponsor: str) -> None:
    page.click(f".wb-program-{program} .wb-program-open")
    page.click(".wb-progress-purpose")
    page.fill(".wb-step-purpose .wb-sponsor input", sponsor)
    page.click(".wb-step-purpose .wb-save")
    expect(page.locator(".wb-step-purpose .wb-status")).to_contain_text("Saved revision")
    page.click(".wb-home")
    page.wait_for_selector(".wb-picker")


@pytest.mark.browser
def test_two_people_sign_in_save_under_their_names_and_idle_servers_stop(
    hub: Hub, browser: Browser
) -> None:
    graduate = hub.programs / "graduate-program" / "design.yaml"
    steering = hub.programs / "steering-review" / "design.yaml"

    dana = sign_in(browser, hub, "dana")
    # In a hub the name is the one signed in with, not one typed in.
    expect(dana.locator(".wb-author input")).to_have_value("dana")
    expect(dana.locator(".wb-author input")).to_be_disabled()
    save_sponsor(dana, "graduate-program", "Head of Talent")
    saved = store.load(graduate).design
    assert (saved.program.sponsor, saved.updated_by) == ("Head of Talent", "dana")

    sam = sign_in(browser, hub, "sam")
    assert program_names(sam) == program_names(dana) == ["Graduate Mentoring", "Steering Review"]
    expect(sam.locator(".wb-program-steering-review .wb-program-details")).to_contain_text(
        "You can read it."
    )
    save_sponsor(sam, "graduate-program", "Chief Operating Officer")
    saved = store.load(graduate).design
    assert (saved.program.sponsor, saved.updated_by, saved.revision) == (
        "Chief Operating Officer",
        "sam",
        3,
    )

    # A reader sees the program and cannot save it.
    before = steering.read_bytes()
    sam.click(".wb-program-steering-review .wb-program-open")
    sam.click(".wb-progress-purpose")
    sam.fill(".wb-step-purpose .wb-sponsor input", "Someone else")
    expect(sam.locator(".wb-step-purpose .wb-save")).to_be_disabled()
    expect(sam.locator(".wb-step-purpose .wb-status")).to_contain_text(
        "You can read this program but not change it"
    )
    assert steering.read_bytes() == before

    # Nor can a page go around the app: its server runs no code a page sends and
    # writes no file through Jupyter's contents interface (a notebook put there would
    # run with Voila).
    marker = hub.programs / "written-by-a-page"
    assert sam.evaluate(SEND_CODE, f"open({str(marker)!r}, 'w').write('x')") == "sent"
    put = sam.evaluate(PUT_FILE)
    assert put["status"] == 403 and "does not write files" in put["text"], put
    assert sam.evaluate(GET_LISTING) == 200  # signed in: reading still works
    time.sleep(2)
    assert not marker.exists()
    assert 'Received message of type "execute_request", which is not allowed' in hub.log_text()

    for page in (dana, sam):
        assert page.outside == []  # type: ignore[attr-defined]
        page.context.close()

    # dana has not used her server since her save: the culler stops it (sam, who kept
    # working meanwhile, was not stopped: his saves above went through).
    deadline = time.monotonic() + IDLE + 40
    stopped = re.compile(r"\b20[24] DELETE /hub/api/users/dana/server \(idle-culler@")
    while time.monotonic() < deadline and not stopped.search(hub.log_text()):
        time.sleep(1)
    assert stopped.search(hub.log_text()), hub.log_text()[-3000:]
    assert "Culling server dana (inactive for" in hub.log_text()


# ------------------------------------------------------------------ Kubernetes, in step


def _hub_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password: str = PASSWORD
) -> Config:
    """What jupyterhub_config.py sets, read as JupyterHub reads it."""
    monkeypatch.setenv("WORKBOOK_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("WORKBOOK_PROGRAMS", str(tmp_path / "programs"))
    if password:
        monkeypatch.setenv("WORKBOOK_HUB_PASSWORD", password)
    config = Config()
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), {"get_config": lambda: config})
    return config


def _args(config: Config, prefix: str) -> dict[str, str]:
    pairs = (a.removeprefix("--").split("=", 1) for a in config.Spawner.args if "=" in a)
    return {k.removeprefix(prefix): v for k, v in pairs if k.startswith(prefix)}


def test_the_kubernetes_values_say_what_the_hub_config_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _hub_config(tmp_path, monkeypatch)
    values = files.load_yaml(VALUES.read_text(), str(VALUES), InputError)  # no repeated key
    assert set(values) <= CHART_KEYS  # a misspelt section would be silently ignored
    single = values["singleuser"]
    assert single["defaultUrl"] == config.Spawner.default_url == "/voila/render/app.ipynb"
    assert "WORKBOOK_PROGRAMS" in single["extraEnv"]
    mount = single["storage"]["extraVolumeMounts"][0]["mountPath"]
    assert mount == single["extraEnv"]["WORKBOOK_PROGRAMS"]
    files_ = single["extraFiles"]
    voila = files_["voila"]["data"]
    for key, value in _args(config, "VoilaConfiguration.").items():
        assert str(voila["VoilaConfiguration"][key]).lower() == value.lower(), key
    # The workbook's own Voila settings (no files served, the upload limit) come along.
    workbook_voila = json.loads(server.CONFIG.read_text())
    assert voila["VoilaConfiguration"]["file_allowlist"] == []
    assert voila["Voila"] == workbook_voila["Voila"]
    jupyter = files_["server"]["data"]
    kernels = _args(config, "MappingKernelManager.")
    for key in ("cull_idle_timeout", "cull_interval"):
        assert str(jupyter["MappingKernelManager"][key]) == kernels[key], key
    allowed = "--MappingKernelManager.allowed_message_types="
    only = [a.removeprefix(allowed) for a in config.Spawner.args if a.startswith(allowed)]
    assert "execute_request" not in only
    assert jupyter["MappingKernelManager"]["allowed_message_types"] == only
    classes = _args(config, "ServerApp.")["contents_manager_class"]
    assert (
        jupyter["ServerApp"]["contents_manager_class"]
        == classes
        == ("workbook.hub.ReadOnlyContents")
    )
    every = "--ServerApp.jpserver_extensions="
    off = {a.removeprefix(every).split("=")[0] for a in config.Spawner.args if a.startswith(every)}
    assert off and off == {
        k for k, on in jupyter["ServerApp"]["jpserver_extensions"].items() if not on
    }
    assert jupyter["ServerApp"]["terminals_enabled"] is False
    assert jupyter["ServerApp"]["tornado_settings"] == {"mathjax_url": ""}
    # The idle culler: a service on one machine, the chart's culler on Kubernetes.
    assert [s["name"] for s in config.JupyterHub.services] == ["idle-culler"]
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600
    assert f"--timeout={values['cull']['timeout']}" in config.JupyterHub.services[0]["command"]
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == (
        config.JupyterHub.authenticator_class
    )


def test_the_hub_refuses_to_start_without_a_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBOOK_HUB_PASSWORD", raising=False)
    with pytest.raises(SystemExit, match="Set WORKBOOK_HUB_PASSWORD"):
        _hub_config(tmp_path, monkeypatch, password="")
