"""splynx_testing.machine: a missing tool, service or module skips with its remedy, or fails under CI=true."""

import pytest

from splynx_testing.machine import require_module, require_service, require_tool


@pytest.fixture(params=["", "true"], ids=["outside CI", "CI=true"])
def outcome(request, monkeypatch):
    """The exception a missing requirement raises in this environment."""
    monkeypatch.setenv("CI", request.param)
    return pytest.fail.Exception if request.param else pytest.skip.Exception


def test_a_missing_tool_names_its_debian_package(outcome):
    with pytest.raises(outcome, match=r"needs zbarimg-not-here \(Debian package zbar-tools\): "
                                      r"apt-get install zbar-tools"):
        require_tool("zbarimg-not-here", "zbar-tools")


def test_an_unreachable_service_names_the_error_and_how_to_start_it(outcome):
    def refused():
        raise ConnectionRefusedError(111, "Connection refused")

    with pytest.raises(outcome, match=r"needs Redis at redis://127\.0\.0\.1:1/5 \(ConnectionRefusedError: .*\): "
                                      r"start it: redis-server"):
        require_service("Redis", "redis://127.0.0.1:1/5", refused, "start it: redis-server")


def test_a_missing_module_says_how_to_install_it(outcome):
    with pytest.raises(outcome, match="needs the Python module splynx_not_installed .*: make venv"):
        require_module("splynx_not_installed")


def test_what_is_there_is_handed_back(outcome):
    assert require_tool("sh", "dash").endswith("/sh")
    assert require_module("json").dumps([]) == "[]"
    require_service("nothing", "-", lambda: None, "-")
