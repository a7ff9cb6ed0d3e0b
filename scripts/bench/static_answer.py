#!/usr/bin/env python3
"""The transfer baseline of stats_polling.sh: an HTTP/1.1 server that answers every POST with the
bytes of one file (a real statistic-get-all answer), sent by sendfile on a kept-alive connection.
Polling it costs the machine what moving the answer costs, with no statistics work at all.

Usage: static_answer.py FILE PORT   (listens on 127.0.0.1:PORT until killed)
"""
import http.server
import os
import sys

PATH, PORT = sys.argv[1], int(sys.argv[2])
SIZE = os.path.getsize(PATH)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(SIZE))
        self.end_headers()
        self.wfile.flush()
        with open(PATH, "rb") as answer:
            self.connection.sendfile(answer)

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
