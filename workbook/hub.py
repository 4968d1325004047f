"""What a person's Jupyter server needs to serve the app behind a JupyterHub.

Behind a hub (``deploy/jupyterhub/``), each person's server renders the app with Voila's
server extension. That server also answers Jupyter's programming interfaces, and two of
them would let a person go around the app (and so around a program's access list):

* the kernels' channels, which run any code a page sends: the hub's configuration lets
  widget messages only through (``MappingKernelManager.allowed_message_types``, the list
  standalone Voila enforces);
* the contents interface, which writes files into the server's folder (the workbook's
  notebooks): a notebook written there would run with Voila. :class:`ReadOnlyContents`
  answers every write with 403. The app writes programs through the workbook's own code
  in the kernel, never through this interface, so it loses nothing.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web

REFUSED = "the mentoring workbook's server does not write files through this interface"


class ReadOnlyContents(AsyncLargeFileManager):
    """Jupyter's file manager with every write refused (read, list and download stay)."""

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        raise web.HTTPError(403, REFUSED)

    async def delete_file(self, path: str) -> None:
        raise web.HTTPError(403, REFUSED)

    async def rename_file(self, old_path: str, new_path: str) -> None:
        raise web.HTTPError(403, REFUSED)

    async def create_checkpoint(self, path: str) -> dict[str, Any]:
        raise web.HTTPError(403, REFUSED)

    async def restore_checkpoint(self, checkpoint_id: str, path: str) -> None:
        raise web.HTTPError(403, REFUSED)

    async def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        raise web.HTTPError(403, REFUSED)
