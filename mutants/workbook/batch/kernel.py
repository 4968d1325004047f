"""Execute notebooks with papermill in one reused kernel.

:class:`Kernel` runs several notebooks one after another in the same kernel, through
papermill (parameters injected, papermill's error banner on failure), with a papermill
engine that hands the kernel manager to nbclient. A client that did not create its
kernel manager leaves the kernel running, so the next notebook skips the kernel start
and the imports. Between notebooks the kernel's namespace is reset and its widgets are
closed, so each notebook sees only its own variables, as if it ran alone. zmq's limit
of about a thousand queued IOPub messages per subscriber is lifted on both sides: a
step sends thousands of widget messages, and a client that falls behind on a loaded
machine would otherwise lose some.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

ENGINE = "workbook-kernel"
IOPUB_TIMEOUT = 60

# Run in the kernel after each notebook: the next one starts from an empty namespace
# and no live widgets, with the modules still imported.
_RESET = """\
import sys as _sys
if "ipywidgets" in _sys.modules:
    _sys.modules["ipywidgets"].Widget.close_all()
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
get_ipython().reset(new_session=True)
"""

# Run in the kernel before the first notebook: zmq drops a subscriber's IOPub messages
# once about a thousand wait for it (the high-water mark); lift the limit for the
# notebooks' clients, which connect afterwards (set on the IOPub thread, which owns the
# socket).
_UNBOUNDED_IOPUB = """\
import zmq as _zmq
_iopub = get_ipython().kernel.iopub_thread
_iopub.io_loop.add_callback(_iopub.socket.setsockopt, _zmq.SNDHWM, 0)
del _zmq, _iopub
"""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CellError:
    """Why a notebook stopped: the cell (its ``In [N]``; None if no cell ran) and error."""

    cell: int | None
    ename: str
    evalue: str


def _register_engine() -> None:
    """Register the kernel-reusing engine with papermill (once per process)."""
    from papermill.clientwrap import PapermillNotebookClient  # type: ignore[import-untyped]
    from papermill.engines import NBClientEngine, papermill_engines  # type: ignore[import-untyped]

    if ENGINE in papermill_engines._engines:
        return

    class KernelReusingEngine(NBClientEngine):  # type: ignore[misc]
        """nbclient with a kernel manager it does not own: the kernel outlives it."""

        @classmethod
        def execute_managed_notebook(  # type: ignore[no-untyped-def]
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            client = PapermillNotebookClient(
                nb_man,
                km=kwargs["km"],
                kernel_name=kernel_name,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                record_timing=False,
                # nbclient waits 4 s for a cell's last output after its reply by
                # default; a loaded machine needs longer (it failed runs under load 8).
                iopub_timeout=IOPUB_TIMEOUT,
                log=log,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    if client.km is not None and client.km.has_kernel:
                        client.wait_for_reply(
                            client.kc.execute(_RESET, silent=True, store_history=False)
                        )
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE, KernelReusingEngine)


def _client_class() -> type:
    """A kernel client whose sockets queue every message however far behind it falls.

    zmq drops a subscriber's messages once about a thousand wait for it (its high-water
    mark). A step builds thousands of widgets, each a message on IOPub: on a loaded
    machine the client fell that far behind, lost messages (widget state, then the
    cell's end) and timed out. With no limit on the client's side, zmq's own I/O thread
    keeps reading them into memory while Python catches up.
    """
    import zmq
    import zmq.asyncio
    from jupyter_client.asynchronous.client import AsyncKernelClient

    class UnboundedClient(AsyncKernelClient):
        def _context_default(self) -> zmq.asyncio.Context:
            self._created_context = True
            context = zmq.asyncio.Context()
            context.setsockopt(zmq.RCVHWM, 0)
            return context

    return UnboundedClient


class Kernel:
    """One kernel, started in ``cwd`` on entry (IOPub limit lifted) and shut down on exit."""

    def __init__(self, cwd: Path, env: Mapping[str, str]) -> None:
        self.cwd = cwd
        self.env = dict(env)
        self.km: Any = None

    def __enter__(self) -> Kernel:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        _register_engine()
        self.km = AsyncKernelManager(kernel_name="python3")
        self.km.client_factory = _client_class()
        run_sync(self._start)()
        return self

    async def _start(self) -> None:
        """Start the kernel in ``cwd`` and lift its IOPub limit before any notebook."""
        await self.km.start_kernel(
            cwd=str(self.cwd),
            env=self.env,
            extra_arguments=["--HistoryManager.hist_file=:memory:"],  # as nbclient does
        )
        client = self.km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            msg_id = client.execute(_UNBOUNDED_IOPUB, silent=True, store_history=False)
            while (await client.get_shell_msg(timeout=60))["parent_header"].get("msg_id") != msg_id:
                pass
        finally:
            client.stop_channels()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        from jupyter_core.utils import run_sync

        if self.km is not None and self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)
        self.km = None

    def execute(self, notebook: Path, output: Path, parameters: dict[str, Any]) -> CellError | None:
        """Run ``notebook`` with ``parameters`` into ``output``; the error if it failed.

        papermill writes the output either way, a failing notebook with its error banner
        at the top and an anchor before the failing cell.
        """
        import papermill as pm  # type: ignore[import-untyped]
        from papermill.exceptions import PapermillExecutionError  # type: ignore[import-untyped]

        try:
            pm.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                engine_name=ENGINE,
                kernel_name="python3",
                progress_bar=False,
                km=self.km,
            )
        except PapermillExecutionError as exc:
            return CellError(exc.exec_count, exc.ename, exc.evalue)
        except Exception as exc:  # the kernel died or timed out: a failure of this step
            if self.km is not None and self.km.has_kernel:
                from jupyter_core.utils import run_sync

                run_sync(self.km.shutdown_kernel)(now=True)
            return CellError(None, type(exc).__name__, str(exc) or repr(exc))
        return None
