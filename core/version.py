"""The host's version and the add-on API version: the one place each is written.

``HOST_VERSION`` is the splynx-host release (setup.cfg and the .deb read it).
``API_VERSION`` is the version of the add-on API, everything :mod:`core` exports, as
``MAJOR.MINOR``: a minor release only adds (a hook, an argument, a public name); a major
release may remove or change. An add-on states the range it needs in its manifest
(``requires_api=">=1.0,<2"``); the host refuses one outside the range and lists it with
the reason, and the Debian package of the add-on depends on the same range of
``splynx-addon-api``, which splynx-host provides.
"""

#: the splynx-host release
HOST_VERSION = "1.0.0"
#: the add-on API version (``MAJOR.MINOR``) this host provides
API_VERSION = "1.2"
