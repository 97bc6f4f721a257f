#!/usr/bin/env python3
"""Writes a synthetic ChatGPT or Claude.ai data export, deterministic for a given seed.

Conversations carry the traps of the real formats (../shared/specs/chat-exports.md), so a
reader that imports what it should not shows up in the output: ChatGPT regenerated and
edited branches, the hidden system and user_editable_context nodes, model thoughts,
code and execution output, image parts, missing times; Claude text blocks beside a flat
text, thinking, tool_use/tool_result, unknown block types, empty messages.

  gen-chat-export.py --kind chatgpt --size 500M --out /tmp/export.json
  gen-chat-export.py --kind claude --conversations 1000 --zip --out /tmp/claude.zip
  gen-chat-export.py --kind chatgpt --conversations 300 --shards 3 --out /tmp/export-dir

Memory stays small whatever the size: conversations are written one at a time (into a
ZIP entry as a stream when --zip). --size stops after the first conversation that reaches
the byte count; --conversations after that many.
"""
import argparse
import json
import os
import random
import sys
import zipfile

WORDS = ("the a memory server agent import export chat conversation turn branch node parent "
         "child retain recall document bank vector graph fact extract summary plan trip code "
         "python function error result answer question because which however maybe really "
         "deploy outage incident metric latency throughput budget review draft email meeting").split()


def sentence(rng, lo=4, hi=24):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))).capitalize() + "."


def paragraph(rng, lines=1):
    return "\n".join(sentence(rng) for _ in range(lines))


class ChatGpt:
    def __init__(self, rng, turns):
        self.rng, self.turns = rng, turns

    def conversation(self, n):
        rng = self.rng
        base = 1700000000 + n * 3600 + rng.random()
        mapping = {}
        t = [base]

        def node(nid, parent, role, content, hidden=False, recipient="all", timed=True):
            msg = None
            if role is not None:
                t[0] += rng.randint(1, 90)
                msg = {"id": nid, "author": {"role": role, "name": None, "metadata": {}},
                       "create_time": t[0] if timed else None, "update_time": None,
                       "content": content, "status": "finished_successfully", "end_turn": True,
                       "weight": 1.0, "metadata": {"is_visually_hidden_from_conversation": True} if hidden else
                       {"model_slug": "gpt-4o"}, "recipient": recipient}
            mapping[nid] = {"id": nid, "message": msg, "parent": parent, "children": []}
            if parent is not None:
                mapping[parent]["children"].append(nid)
            return nid

        at = node(f"{n}-root", None, None, None)
        at = node(f"{n}-sys", at, "system", {"content_type": "text", "parts": [""]}, hidden=True)
        at = node(f"{n}-ctx", at, "user", {"content_type": "user_editable_context",
                                           "user_profile": "HIDDEN profile", "user_instructions": "HIDDEN"},
                  hidden=True)
        for k in range(self.turns):
            uid = f"{n}-u{k}"
            if rng.random() < 0.1:  # an edited question: the first version is abandoned
                old = node(f"{uid}-old", at, "user", {"content_type": "text", "parts": ["ABANDONED " + sentence(rng)]})
                node(f"{uid}-old-a", old, "assistant", {"content_type": "text", "parts": ["ABANDONED " + sentence(rng)]})
            if rng.random() < 0.1:
                parts = [sentence(rng), {"content_type": "image_asset_pointer", "asset_pointer": "file-service://x",
                                         "size_bytes": 1000, "width": 10, "height": 10}]
                at = node(uid, at, "user", {"content_type": "multimodal_text", "parts": parts})
            else:
                at = node(uid, at, "user", {"content_type": "text", "parts": [paragraph(rng, rng.randint(1, 3))]},
                          timed=rng.random() > 0.05)
            if rng.random() < 0.15:
                at = node(f"{n}-th{k}", at, "assistant", {"content_type": "thoughts", "thoughts": [
                    {"summary": "HIDDEN", "content": "HIDDEN " + sentence(rng)}]})
            if rng.random() < 0.1:
                at = node(f"{n}-code{k}", at, "assistant",
                          {"content_type": "code", "language": "python", "text": "print(%d)\nx = 1" % k},
                          recipient="python")
                at = node(f"{n}-out{k}", at, "tool", {"content_type": "execution_output", "text": str(k)})
            if rng.random() < 0.15:  # a regenerated answer: the first one is abandoned
                node(f"{n}-a{k}-old", at, "assistant", {"content_type": "text", "parts": ["ABANDONED " + sentence(rng)]})
            at = node(f"{n}-a{k}", at, "assistant",
                      {"content_type": "text", "parts": [paragraph(rng, rng.randint(1, 6))]})
        conv = {"title": sentence(rng, 2, 6), "create_time": base, "update_time": t[0], "mapping": mapping,
                "moderation_results": [], "current_node": at, "plugin_ids": None,
                "conversation_id": f"c-{n:08d}", "conversation_template_id": None, "gizmo_id": None,
                "is_archived": False, "safe_urls": [], "default_model_slug": "gpt-4o", "id": f"c-{n:08d}"}
        if rng.random() < 0.05:
            del conv["create_time"]
        return conv


class Claude:
    def __init__(self, rng, turns):
        self.rng, self.turns = rng, turns

    def conversation(self, n):
        rng = self.rng
        day = 1 + n % 28
        stamp = f"2026-{1 + n % 12:02d}-{day:02d}T10:00:00.000000Z"
        messages = []
        for k in range(self.turns):
            q = paragraph(rng, rng.randint(1, 2))
            human = {"uuid": f"{n}-h{k}", "text": q if rng.random() < 0.5 else "", "sender": "human",
                     "created_at": stamp if rng.random() > 0.1 else None, "updated_at": stamp,
                     "content": [{"type": "text", "text": q, "citations": []}], "attachments": [], "files": []}
            if rng.random() < 0.03:
                human["content"].append({"type": "voice_note", "title": "note"})
            blocks = []
            if rng.random() < 0.3:
                blocks.append({"type": "thinking", "thinking": "HIDDEN " + sentence(rng)})
            if rng.random() < 0.1:
                blocks.append({"type": "tool_use", "name": "web_search", "input": {"query": "HIDDEN"}})
                blocks.append({"type": "tool_result", "name": "web_search", "is_error": False,
                               "content": [{"type": "text", "text": "HIDDEN " + sentence(rng)}]})
            a = paragraph(rng, rng.randint(1, 6))
            blocks.append({"type": "text", "text": a, "citations": []})
            assistant = {"uuid": f"{n}-a{k}", "text": "", "sender": "assistant", "created_at": stamp,
                         "updated_at": stamp, "content": blocks, "attachments": [], "files": []}
            messages += [human, assistant]
        return {"uuid": f"k-{n:08d}", "name": sentence(rng, 2, 6), "summary": "", "created_at": stamp,
                "updated_at": stamp, "account": {"uuid": "acc"}, "chat_messages": messages}


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(s[:-1]) * mult[s[-1].upper()]) if s[-1].upper() in mult else int(s)


def write_array(out, gen, first, count, size):
    """Writes conversations first.. as a JSON array; returns (next index, bytes written)."""
    written = out.write(b"[")
    n = first
    while (count is None or n < first + count) and (size is None or written < size):
        data = json.dumps(gen.conversation(n), ensure_ascii=False).encode()
        written += out.write((b",\n" if n > first else b"\n") + data)
        n += 1
    written += out.write(b"\n]\n")
    return n, written


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", choices=["chatgpt", "claude"], required=True)
    ap.add_argument("--conversations", type=int, help="how many conversations (per shard with --shards)")
    ap.add_argument("--size", help="stop once this many bytes are written (e.g. 500M)")
    ap.add_argument("--turns", type=int, default=8, help="question/answer pairs per conversation")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--zip", action="store_true", help="write a ZIP as the services do")
    ap.add_argument("--shards", type=int, default=0, help="ChatGPT shards conversations-NNN.json in a folder (or ZIP)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.conversations is None and a.size is None:
        ap.error("give --conversations or --size")
    rng = random.Random(a.seed)
    gen = ChatGpt(rng, a.turns) if a.kind == "chatgpt" else Claude(rng, a.turns)
    size = parse_size(a.size) if a.size else None
    names = [f"conversations-{i:03d}.json" for i in range(a.shards)] if a.shards else ["conversations.json"]
    total, n = 0, 0
    if a.zip:
        with zipfile.ZipFile(a.out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("user.json", json.dumps({"id": "user-1", "email": "HIDDEN@example.com"}))
            for name in names:
                with z.open(name, "w", force_zip64=True) as out:
                    n, w = write_array(out, gen, n, a.conversations, size)
                    total += w
            if a.shards:
                z.writestr("conversations.json.index", json.dumps({"shards": names}))
    else:
        if a.shards:
            os.makedirs(a.out, exist_ok=True)
            for name in names:
                with open(os.path.join(a.out, name), "wb") as out:
                    n, w = write_array(out, gen, n, a.conversations, size)
                    total += w
            with open(os.path.join(a.out, "conversations.json.index"), "w") as f:
                json.dump({"shards": names}, f)
        else:
            with open(a.out, "wb") as out:
                n, total = write_array(out, gen, 0, a.conversations, size)
    print(f"{a.out}: {n} {a.kind} conversations, {total} bytes of JSON", file=sys.stderr)


if __name__ == "__main__":
    main()
