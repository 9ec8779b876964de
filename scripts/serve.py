#!/usr/bin/env python3
"""Serves a folder on 127.0.0.1 on a port the OS picks, and prints that port
(one line on stdout) once the socket accepts connections, so a caller
neither guesses a free port nor sleeps while the server starts.

    scripts/serve.py dist    # prints e.g. 41873, then serves until killed
"""
import functools
import http.server
import sys


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """The standard static handler, without a log line per request."""

    def log_message(self, format, *args):  # noqa: A002 (the base's name)
        pass


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: serve.py DIRECTORY")
    handler = functools.partial(QuietHandler, directory=sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
