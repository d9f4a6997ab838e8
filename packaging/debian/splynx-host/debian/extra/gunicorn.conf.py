# gunicorn settings of the splynx-web service (Python syntax, see "gunicorn --help").
# Put nginx (TLS) in front and keep gunicorn on the loopback address.
bind = "127.0.0.1:8080"
# One process with threads: background jobs (add-on installs, charge batches) and add-on
# reloads happen inside the web process. Scale out with more threads, or run jobs in the
# splynx-worker service (SPLYNX_BROKER_URL) before raising the number of workers.
workers = 1
threads = 8
timeout = 60
accesslog = "-"
# gunicorn puts its working directory first on the import path: keep it the application's
# own read-only module folder, never the writable /var/lib/splynx.
chdir = "/usr/share/splynx-host"
