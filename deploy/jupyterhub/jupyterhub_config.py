"""JupyterHub for the mentoring workbook on one machine: sign in, get the app.

``make hub`` runs ``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py``. What it sets
up, and why:

* **The app is each person's page.** Every person gets their own Jupyter server (one
  process each) whose default page is the app, ``/voila/render/app.ipynb``, rendered by
  Voila's Jupyter server extension (installed with Voila). The hub's own sign-in guards
  every request to it; no token to hand around.
* **Their hub name signs every save.** The hub gives each server ``$JUPYTERHUB_USER``;
  the workbook records saves under it, checks it against a program's access list
  (``access.yaml``) and offers no box to type another name.
* **One shared programs folder** (``$WORKBOOK_PROGRAMS``, ``work/`` for ``make hub``):
  everyone sees the same programs; the access lists say who may do what.
* **Idle servers stop.** The hub's idle culler (``jupyterhub-idle-culler``) runs as a
  hub service and stops a server nobody has used for an hour; Voila's kernels are
  culled after 15 idle minutes inside each server, as in ``workbook app``.
* **A demo sign-in.** ``SharedPasswordAuthenticator`` (JupyterHub's successor to the
  DummyAuthenticator) with one shared password (``$WORKBOOK_HUB_PASSWORD``, at least 8
  characters): any name signs in with it. It is for trying the hub on
  one machine only; the README shows the organisation's own sign-in (OAuth/OIDC, LDAP).

Everything a test or a benchmark varies is an environment variable (the names below);
nothing here is specific to this checkout: paths come from the installed ``workbook``.
"""

# ruff: noqa: F821 - `c` is the config object JupyterHub passes to this file
from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import workbook
from workbook import server

env = os.environ.get

STATE = Path(env("WORKBOOK_HUB_STATE", "work/.hub")).resolve()
"""The hub's own files: its database, cookie secret, the proxy's pid, people's homes."""
PROGRAMS = Path(env("WORKBOOK_PROGRAMS", "work")).resolve()
PORT = int(env("WORKBOOK_HUB_PORT", "8000"))
IP = env("WORKBOOK_HUB_IP", "127.0.0.1")
"""Where people reach the hub: this machine only unless told (put TLS in front first)."""
PASSWORD = env("WORKBOOK_HUB_PASSWORD", "")
CULL_AFTER = int(env("WORKBOOK_HUB_CULL_AFTER", "3600"))
"""Seconds a person's server may sit unused before the culler stops it."""
CULL_EVERY = int(env("WORKBOOK_HUB_CULL_EVERY", "300"))
ACTIVITY_EVERY = int(env("WORKBOOK_HUB_ACTIVITY_EVERY", "60"))
"""How often each server tells the hub it is in use (seconds)."""
PROXY = env("WORKBOOK_HUB_PROXY", "") or shutil.which("configurable-http-proxy") or ""
"""configurable-http-proxy (npm); `make hub` installs it in .venv/node."""

ALLOWED_MESSAGES = (
    "comm_open",
    "comm_close",
    "comm_msg",
    "comm_info_request",
    "kernel_info_request",
    "shutdown_request",
)
"""What a page may send a kernel: the list standalone Voila enforces (widgets only)."""

# The hub stops people's servers and the culler with SIGINT first. A hub started in the
# background by a shell without job control (nohup, a script) inherits SIGINT ignored,
# and so would every process it starts: each stop would wait out the hub's timeouts.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

STATE.mkdir(parents=True, exist_ok=True)
PROGRAMS.mkdir(parents=True, exist_ok=True)
c = get_config()  # type: ignore[name-defined]

# ---------------------------------------------------------------- the hub itself
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("WORKBOOK_HUB_API_PORT", str(PORT + 81)))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('WORKBOOK_HUB_PROXY_PORT', PORT + 1)}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
if PROXY:
    c.ConfigurableHTTPProxy.command = [PROXY]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "cookie_secret")
c.JupyterHub.cleanup_servers = True

# ---------------------------------------------------------------- sign-in (demo)
if not PASSWORD:
    sys.exit(
        "Set WORKBOOK_HUB_PASSWORD: the demo sign-in takes any name with this one password "
        "(see the README for the organisation's own sign-in)."
    )
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = PASSWORD
c.Authenticator.allow_all = True  # any name may sign in with the password (a demo)
admins = {n.strip() for n in env("WORKBOOK_HUB_ADMINS", "").split(",") if n.strip()}
c.Authenticator.admin_users = admins

# ---------------------------------------------------------------- each person's server
# One process per person, all as the hub's own system user (no system account per
# person, as a demo needs); each has a home folder of its own under the state folder.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(workbook.NOTEBOOKS)
c.Spawner.default_url = "/voila/render/" + server.LANDING
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.environment = {
    "WORKBOOK_PROGRAMS": str(PROGRAMS),
    # The app's Voila template (no CDN stylesheets) and its Voila settings (voila.json:
    # no files served), exactly as `workbook app` gives them to Voila.
    "JUPYTER_PATH": str(server.TEMPLATES),
    "JUPYTER_CONFIG_PATH": str(server.CONFIG.parent),
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(ACTIVITY_EVERY),
    "PYTHONUNBUFFERED": "1",
}
c.Spawner.args = [
    "--VoilaConfiguration.template=workbook",
    "--VoilaConfiguration.show_tracebacks=False",
    "--VoilaConfiguration.allow_theme_override=YES",
    "--MappingKernelManager.cull_idle_timeout=900",
    "--MappingKernelManager.cull_interval=60",
    # Only widget messages reach a kernel, as standalone Voila allows (the server
    # extension alone would run any code a page sends): the app's own buttons, which
    # check the program's access list, are the only way to change a program.
    *(f"--MappingKernelManager.allowed_message_types={kind}" for kind in ALLOWED_MESSAGES),
    # The app is the product: no terminal, no JupyterLab, no classic notebook (a Dict
    # trait takes one key=value per option on the command line).
    "--ServerApp.terminals_enabled=False",
    # ... and no file written through the server's contents interface (a notebook put
    # there would run with Voila): workbook.hub.ReadOnlyContents refuses every write.
    "--ServerApp.contents_manager_class=workbook.hub.ReadOnlyContents",
    # Standalone Voila gives its page no MathJax address; as an extension it would name
    # a CDN, and the page would fetch from another machine. The app shows no formulas.
    "--ServerApp.tornado_settings=mathjax_url=",
    # A container or CI runner that runs everything as root (never a real deployment).
    *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    *(
        f"--ServerApp.jpserver_extensions={name}=False"
        for name in (
            "jupyterlab",
            "notebook",
            "notebook_shim",
            "jupyter_lsp",
            "jupyter_server_terminals",
        )
    ),
]

# ---------------------------------------------------------------- the idle culler
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={CULL_AFTER}",
            f"--cull-every={CULL_EVERY}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
