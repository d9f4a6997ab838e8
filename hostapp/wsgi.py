"""WSGI entry point for production servers: ``gunicorn hostapp.wsgi:app``.

The host is configured from ``SPLYNX_*`` environment variables (the splynx-web service
reads them from ``/etc/splynx/splynx.env``).
"""

from .app import create_app

app = create_app()
