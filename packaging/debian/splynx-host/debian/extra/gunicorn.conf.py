# gunicorn settings of the splynx-web service (Python syntax, see "gunicorn --help").
# Put nginx (TLS) in front and keep gunicorn on the loopback address.
bind = "127.0.0.1:8080"
workers = 2
threads = 4
timeout = 60
accesslog = "-"
