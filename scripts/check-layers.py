#!/usr/bin/env python3
"""Dependencies point one way, floor by floor:

    cli -> serve -> connectors, ingest -> targets, sources -> config -> state, net -> engine, base

(net uses only base; state uses engine and base)

Fails (exit 1) naming file:line for every #include that reaches up or sideways, and for every
use of a third-party library outside the one layer that owns it. Run by CTest ("layers"). The
CMake libraries (one per layer, CMakeLists.txt) link along the same edges, so an include that
slips past this check fails to link.
"""
import pathlib
import re
import sys

# The src/ folders a layer may include from (itself always included).
ALLOWED = {
    "base": set(),
    "engine": {"base"},
    "net": {"base"},
    "state": {"base", "engine"},
    "config": {"base", "engine", "state", "net"},
    "targets": {"base", "engine", "net", "state", "config"},
    "sources": {"base", "engine", "net", "state", "config"},
    "ingest": {"base", "engine", "net", "state", "config", "targets"},
    "connectors": {"base", "engine", "net", "state", "config", "targets", "sources"},
    "serve": {"base", "engine", "net", "state", "config", "targets", "sources", "connectors"},
    "cli": {"base", "engine", "net", "state", "config", "targets", "sources", "ingest", "connectors", "serve"},
}
# Libraries owned by one layer: everything else reaches them through that layer's interface.
OWNED = {"curl/": {"net"}, "CLI/": {"cli"}, "toml++/": {"config"}, "microhttpd.h": {"serve"}, "archive": {"ingest"}}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def check(src: pathlib.Path) -> list[str]:
    problems = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cc"):
            continue
        rel = path.relative_to(src)
        if len(rel.parts) < 2:
            problems.append(f"{rel}: source files live in a layer folder, not at the top of src/")
            continue
        layer = rel.parts[0]
        if layer not in ALLOWED:
            problems.append(f"{rel}: unknown layer '{layer}' (add it to scripts/check-layers.py)")
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            quote, target = m.groups()
            if quote == '"':
                parts = target.split("/")
                if len(parts) < 2 or parts[0] not in ALLOWED:
                    problems.append(f"{rel}:{n}: include \"{target}\" by its path from src/ (e.g. \"engine/item.h\")")
                elif parts[0] != layer and parts[0] not in ALLOWED[layer]:
                    problems.append(f"{rel}:{n}: {layer}/ may not include {target} ({parts[0]}/ is above or beside it)")
            else:
                for prefix, owners in OWNED.items():
                    if target.startswith(prefix) and layer not in owners:
                        problems.append(f"{rel}:{n}: <{target}> belongs to {'/'.join(sorted(owners))}/ only")
    return problems


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent / "src")
    problems = check(src)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"layers: {len(problems)} violation(s) in {src}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
