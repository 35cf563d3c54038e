#!/usr/bin/env python3
"""Differential test: radix's route_table example against gin 1.8.1 itself.

For each random route table, both servers are started on 127.0.0.1:0 with the
same table; if gin refuses the table (exit 2) ours must refuse it too, and the
other way round. Otherwise the same random requests go to both, and status,
Location and body must agree. Usage (see run.sh):

    diff.py OURS_BINARY GIN_BINARY [TABLES] [REQUESTS_PER_TABLE] [SEED]
"""
import http.client
import os
import random
import subprocess
import sys
import tempfile

SEGS = ["a", "b", "ab", "abc", "b1", "user", "users", "x"]
WILD = [":id", ":name", ":x"]
METHODS = ["GET", "POST"]


def random_route(rng):
    parts = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.6:
            parts.append(rng.choice(SEGS))
        elif r < 0.9:
            parts.append(rng.choice(WILD))
        else:
            parts.append("*rest")
            break
    route = "/" + "/".join(parts)
    if rng.random() < 0.2 and not parts[-1].startswith("*"):
        route += "/"
    if rng.random() < 0.05:
        route = "/"
    return route


def random_path(rng, routes):
    if routes and rng.random() < 0.7:
        route = rng.choice(routes)[1]
        segs = []
        for s in route.strip("/").split("/"):
            if s.startswith(":"):
                segs.append(rng.choice(SEGS + ["v1", "zz"]))
            elif s.startswith("*"):
                segs.append("/".join(rng.choice(SEGS) for _ in range(rng.randint(0, 2))))
            elif s and rng.random() < 0.1:
                segs.append(s.upper())
            else:
                segs.append(s)
        path = "/" + "/".join(segs)
        if route.endswith("/") and not path.endswith("/"):
            path += "/"
    else:
        path = "/" + "/".join(rng.choice(SEGS) for _ in range(rng.randint(0, 4)))
    r = rng.random()
    if r < 0.15:
        path = path.rstrip("/") + "/" if path != "/" else path
    elif r < 0.3 and len(path) > 1:
        path = path.rstrip("/") or "/"
    if rng.random() < 0.1:
        path += "?q=1"
    return path


def start(binary, table_file):
    p = subprocess.Popen([binary, table_file, "127.0.0.1:0"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line.startswith("listening on http://"):
        p.wait(timeout=10)
        return p, None
    host, port = line.strip()[len("listening on http://"):].rsplit(":", 1)
    return p, (host, int(port))


def fetch(addr, method, path):
    c = http.client.HTTPConnection(addr[0], addr[1], timeout=5)
    c.request(method, path)
    r = c.getresponse()
    out = (r.status, r.getheader("Location"), r.read().decode("utf-8", "replace"))
    c.close()
    return out


def main():
    ours_bin, gin_bin = sys.argv[1], sys.argv[2]
    tables = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    per_table = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    rng = random.Random(seed)
    stats = {"tables": 0, "refused_both": 0, "requests": 0, "mismatches": 0}
    for t in range(tables):
        routes = [(rng.choice(METHODS), random_route(rng)) for _ in range(rng.randint(1, 8))]
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("".join(f"{m} {p}\n" for m, p in routes))
            name = f.name
        ours, oaddr = start(ours_bin, name)
        gin, gaddr = start(gin_bin, name)
        try:
            stats["tables"] += 1
            if (oaddr is None) != (gaddr is None):
                stats["mismatches"] += 1
                print(f"TABLE MISMATCH (ours accepted={oaddr is not None}, gin accepted={gaddr is not None}):")
                print(open(name).read())
                print("gin stderr:", gin.stderr.read() if gaddr is None else "")
                print("ours stderr:", ours.stderr.read() if oaddr is None else "")
                continue
            if oaddr is None:
                stats["refused_both"] += 1
                continue
            for _ in range(per_table):
                method = rng.choice(METHODS)
                path = random_path(rng, routes)
                a = fetch(oaddr, method, path)
                b = fetch(gaddr, method, path)
                stats["requests"] += 1
                if a != b:
                    stats["mismatches"] += 1
                    print(f"MISMATCH {method} {path}\n  ours: {a}\n  gin:  {b}\n  table: {routes}")
        finally:
            for p in (ours, gin):
                if p.poll() is None:
                    p.kill()
                p.wait()
            os.unlink(name)
    print(stats)
    sys.exit(1 if stats["mismatches"] else 0)


if __name__ == "__main__":
    main()
