"""The add-on helper service: its wire format, who may ask it, and the apt backend as its client.

A real service runs on a socket in the test's folder, one forked child per request, as on
Debian; only the root helper's work (``root_helper.main``, which needs root and apt) is
replaced by a stand-in that answers in the helper's JSON lines.
"""

from __future__ import annotations

import os
import socket
import threading

import pytest

from core.packages import PackageError, root_helper
from core.packages.apt import AptBackend
from core.packages.helper_service import (
    HelperServer,
    ProtocolError,
    _Relay,
    encode_request,
    parse_request,
    request_events,
)
from core.packages.root_helper import HelperConfig


def fake_helper(argv):
    root_helper.emit(event="log", line="helper got " + " ".join(argv))
    root_helper.emit(event="exit", code=0)
    return 0


@pytest.fixture
def service(tmp_path, monkeypatch):
    """Serve requests on a socket in tmp_path; yields (path, allowed uid set, served requests counter)."""
    monkeypatch.setattr(root_helper, "main", fake_helper)
    path = str(tmp_path / "helper.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(4)
    server = HelperServer(listener, {os.getuid()})
    server.timeout = 0.2
    stop = threading.Event()
    thread = threading.Thread(target=lambda: [server.handle_request() for _ in iter(stop.is_set, True)])
    thread.start()
    yield path, server
    stop.set()
    thread.join()
    server.server_close()


def test_requests_are_one_json_line_with_argv_only():
    assert parse_request(encode_request(["--dry-run", "install", "splynx-ippay"])) == [
        "--dry-run", "install", "splynx-ippay"]
    for line in (b'{"argv": ["update"]}', b"install splynx-ippay\n", b'["update"]\n', b'{"argv": []}\n',
                 b'{"argv": ["update"], "user": "root"}\n', b'{"argv": [1]}\n', b'{"argv": ["a", "b", "c", "d"]}\n',
                 b'{"argv": ["' + b"x" * 200 + b'"]}\n', b'{"argv": ["update"]}' + b" " * 2000 + b"\n"):
        with pytest.raises(ProtocolError):
            parse_request(line)


def test_a_request_is_served_in_a_child_and_streamed_back(service):
    path, _server = service
    events = list(request_events(path, ["install", "splynx-ippay"]))
    assert events == [{"event": "log", "line": "helper got install splynx-ippay"}, {"event": "exit", "code": 0}]


def test_only_root_and_the_client_user_may_ask(service):
    path, server = service
    server.allowed_uids = {os.getuid() + 1}
    events = list(request_events(path, ["update"]))
    assert events[0] == {"event": "error", "message": "this user may not ask the add-on helper"}
    assert events[-1] == {"event": "exit", "code": root_helper.EX_NOPERM}


def test_a_refusal_sent_before_the_request_was_read_reaches_the_client(service):
    path, server = service
    server.allowed_uids = {os.getuid() + 1}
    # larger than the socket's buffers: the service closes the connection while it is still being sent
    events = list(request_events(path, ["install", "x" * 1_000_000]))
    assert events == [{"event": "error", "message": "this user may not ask the add-on helper"},
                      {"event": "exit", "code": root_helper.EX_NOPERM}]


def test_a_malformed_request_is_refused_without_running_the_helper(service):
    path, _server = service
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(path)
        client.sendall(b"install splynx-ippay\n")
        reply = client.makefile().read()
    assert '"the request is not JSON"' in reply and '{"event": "exit", "code": 64}' in reply
    assert "helper got" not in reply


def test_the_apt_backend_talks_to_the_service(service):
    path, _server = service
    lines = []

    class Out:
        def log(self, line):
            lines.append(line)

        def progress(self, percent):
            pass

    AptBackend(helper=[f"unix:{path}"], config=HelperConfig()).run("install", "splynx-ippay", Out())
    assert lines == ["helper got install splynx-ippay"]


def test_a_missing_service_is_reported(tmp_path):
    with pytest.raises(PackageError, match="cannot be reached"):
        list(request_events(str(tmp_path / "nothing.sock"), ["update"]))


def test_output_to_a_client_that_went_away_is_dropped():
    class Gone:
        def write(self, data):
            raise BrokenPipeError

    relay = _Relay(Gone())
    print('{"event": "log", "line": "Setting up"}', file=relay, flush=True)
    print('{"event": "exit", "code": 0}', file=relay, flush=True)
    assert relay.gone
