"""Uploads only where an uploader is: the server keeps a file only for a session that may upload.

Streamlit accepts a PUT to /_stcore/upload_file/<session>/<file> for any live session and keeps
the file in memory for as long as the session lives, whether or not the session shows an
uploader. The guard wraps the server's uploaded-file manager once per process: a file for a
session this app has not allowed (an analyst's, on a server that is not read-only) is dropped at
once. The route still reads the body (at most server.maxUploadSize), but nothing is kept.
"""

import threading

_allowed: set[str] = set()
_lock = threading.Lock()


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def _install() -> None:
    """Wrap the runtime's uploaded-file manager (once per process); nothing to do without a server."""
    from streamlit import runtime

    if not runtime.exists():
        return
    manager = runtime.get_instance().uploaded_file_mgr
    with _lock:
        if getattr(manager, "_alliance_guarded", False):
            return
        add_file = manager.add_file

        def guarded_add_file(session_id, file, *args, **kwargs):
            if session_id in _allowed:
                return add_file(session_id, file, *args, **kwargs)
            return None  # dropped: this session may not upload

        manager.add_file = guarded_add_file
        manager._alliance_guarded = True


def guard(may_upload: bool) -> None:
    """Allow this session's uploads (analysts on a writable server) or drop them; call on every run."""
    _install()
    session = _session_id()
    if session is None:
        return
    with _lock:
        if may_upload:
            _allowed.add(session)
        else:
            _allowed.discard(session)
            # Files this session may already hold (before its role changed) are released.
            try:
                from streamlit import runtime

                if runtime.exists():
                    runtime.get_instance().uploaded_file_mgr.remove_session_files(session)
            except (AttributeError, RuntimeError):
                pass


def forget_closed_sessions() -> None:
    """Drop allowed sessions the runtime no longer knows (a closed tab), so the set does not grow."""
    from streamlit import runtime

    if not runtime.exists():
        return
    live = runtime.get_instance()
    with _lock:
        for session in list(_allowed):
            if not live.is_active_session(session):
                _allowed.discard(session)
