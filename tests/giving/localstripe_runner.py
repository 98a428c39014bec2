"""Run localstripe's aiohttp app on 127.0.0.1:<port> without its shared /tmp pickle file (tests only)."""

import logging
import sys

from aiohttp import web
from localstripe import resources

resources.Store.dump_to_disk = lambda self: None  # each test run gets a fresh, private in-memory store

from localstripe.server import app  # noqa: E402

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
