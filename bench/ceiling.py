"""The ceiling: a minimal Flask page, served by the same gunicorn settings as LearnHub.

What the benchmark's machine, gunicorn and load generator can do with no application work,
so that each LearnHub page is reported as a share of it.
"""

import time

from flask import Flask, g

app = Flask(__name__)

PAGE = '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>ok</title><p>ok</p></html>'


@app.get("/")
def index():
    return PAGE


# The same Server-Timing cpu figure as LearnHub's metering, so that the two compare.
@app.before_request
def _start():
    g.cpu = time.process_time()


@app.after_request
def _timing(response):
    response.headers["Server-Timing"] = f"cpu;dur={(time.process_time() - g.cpu) * 1000:.2f}"
    return response
