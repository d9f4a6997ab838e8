"""HostFlask hands plain views and hooks back as Flask does, remembering them, and still wraps ``async def`` ones."""

from hostapp.web.host_flask import HostFlask


class Hook:
    """A callable object that cannot be hashed."""

    __hash__ = None

    def __call__(self):
        return "called"


def test_plain_functions_come_back_as_they_are_and_are_remembered():
    app = HostFlask(__name__)

    def view():
        return "x"

    assert app.ensure_sync(view) is view
    assert view in app._sync_functions
    assert app.ensure_sync(view) is view
    hook = Hook()
    assert app.ensure_sync(hook) is hook


def test_async_functions_are_wrapped_each_time_and_not_remembered(monkeypatch):
    app = HostFlask(__name__)
    wrapped = []
    monkeypatch.setattr(app, "async_to_sync", lambda func: wrapped.append(func) or (lambda: "ran"))

    async def view():
        return "x"

    assert app.ensure_sync(view)() == "ran"
    assert app.ensure_sync(view)() == "ran"
    assert wrapped == [view, view] and view not in app._sync_functions
