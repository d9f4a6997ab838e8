"""Templates read their environment's globals directly, and see exactly what Jinja's own map would show."""

import pytest
from jinja2 import DictLoader
from jinja2.exceptions import SecurityError

from core.templating import DirectSandboxedEnvironment
from hostapp.web.templating import PageEnvironment


@pytest.fixture
def env():
    return DirectSandboxedEnvironment(loader=DictLoader({"page.html": "{{ greeting }} {{ name | default('-') }}"}))


def test_a_template_sees_globals_set_after_it_was_loaded(env):
    template = env.get_template("page.html")
    env.globals["greeting"] = "Hello"
    assert template.render() == "Hello -"
    env.globals["greeting"] = "Hi"
    assert template.render() == "Hi -"


def test_globals_given_to_one_template_stay_with_it(env):
    env.globals["greeting"] = "Hello"
    own = env.from_string("{{ greeting }} {{ name }}", globals={"name": "Ann"})
    assert own.render() == "Hello Ann"
    assert "name" not in env.globals and env.get_template("page.html").render() == "Hello -"
    with pytest.raises(TypeError):
        env.get_template("page.html").globals["name"] = "leaked"


def test_render_variables_win_over_globals(env):
    env.globals["greeting"] = "Hello"
    assert env.get_template("page.html").render(greeting="Bye", name="Bob") == "Bye Bob"


def test_the_sandbox_still_guards_attributes(env):
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__ }}").render()
    assert env.from_string("{{ x.__class__ }}").render(x=1) == ""


def test_the_page_environment_is_the_apps(app):
    assert isinstance(app.jinja_env, PageEnvironment)
    with app.test_request_context():
        assert app.jinja_env.from_string("{{ url_for('portal.login') }}").render() == "/portal/login"
