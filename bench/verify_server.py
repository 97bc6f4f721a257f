#!/usr/bin/env python3
"""A minimal Hindsight documents listing for the verify benchmark.

Serves GET /v1/default/banks/<bank>/documents?limit=&offset= for the lines of INPUT (plain
lines: id = content hash = SHA-256 of the line), leaving out every MISS_EVERY-th line, and an
empty operations list. Prints 'listening http://127.0.0.1:PORT' once ready.
"""
import hashlib
import http.server
import json
import sys
import urllib.parse

path, miss_every = sys.argv[1], int(sys.argv[2])
docs = []
with open(path, "rb") as f:
    for n, line in enumerate(f):
        if miss_every and n % miss_every == miss_every - 1:
            continue
        h = hashlib.sha256(line.rstrip(b"\n")).hexdigest()
        docs.append('{"id":"%s","bank_id":"b","content_hash":"%s","memory_unit_count":1,"tags":[]}' % (h, h))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        limit, offset = int(q.get("limit", ["100"])[0]), int(q.get("offset", ["0"])[0])
        if u.path.endswith("/documents"):
            body = '{"items":[%s],"total":%d,"limit":%d,"offset":%d}' % (
                ",".join(docs[offset:offset + limit]), len(docs), limit, offset)
        elif u.path.endswith("/operations"):
            body = json.dumps({"bank_id": "b", "total": 0, "limit": limit, "offset": offset, "operations": []})
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print("listening http://127.0.0.1:%d" % srv.server_address[1], flush=True)
srv.serve_forever()
