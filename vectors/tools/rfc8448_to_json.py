#!/usr/bin/env python3
"""Transcribe the traces of RFC 8448 (sections 3 to 7) into typed JSON steps.

Usage: python3 vectors/tools/rfc8448_to_json.py [RFC_TEXT] [OUT_DIR]
(defaults: /work/shared/rfc/rfc8448.txt and vectors/rfc8448 beside this script).

Every value printed in a section becomes part of exactly one step; the step
kinds are documented in vectors/README.md. The script cross-checks what it
writes before writing it, so that a mistake in the transcription (or in the
protocol knowledge the script uses to link values together) stops it:

* each "(N octets)" count is the number of bytes read;
* each printed HKDF "info" decodes as an HkdfLabel whose label matches the
  step's title and whose context is the printed "hash";
* each printed transcript hash equals SHA-256 over the handshake messages
  the script lists for it (with the HelloRetryRequest message_hash rule);
* each protected record decrypts (AES-128-GCM) under the key, IV and
  sequence number the script assigns to it, to payload || content type.

The Rust test (tests/rfc8448.rs) then checks every step with qtls's code;
nothing in it relies on this script.
"""

import hashlib
import json
import os
import re
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECTIONS = {
    3: ("Simple 1-RTT Handshake", 152, 857),
    4: ("Resumed 0-RTT Handshake", 857, 1589),
    5: ("HelloRetryRequest", 1589, 2359),
    6: ("Client Authentication", 2359, 3059),
    7: ("Compatibility Mode", 3059, 3703),
}

HS_TYPES = {
    1: "ClientHello",
    2: "ServerHello",
    4: "NewSessionTicket",
    5: "EndOfEarlyData",
    8: "EncryptedExtensions",
    11: "Certificate",
    13: "CertificateRequest",
    15: "CertificateVerify",
    20: "Finished",
}

HRR_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
)

CONTENT_TYPES = {
    "handshake": 22,
    "application_data": 23,
    "alert": 21,
    "change_cipher_spec": 20,
}


def fail(msg):
    raise SystemExit("rfc8448_to_json: " + msg)


# ---------------------------------------------------------------- parsing


def strip_page_breaks(lines, first):
    """Drops page headers and footers; keeps (RFC line number, text)."""
    out = []
    for no, line in enumerate(lines, first):
        line = line.replace("\f", "")
        if re.match(r"^Thomson\s+Informational\s+\[Page \d+\]$", line):
            continue
        if re.match(r"^RFC 8448\s+TLS 1\.3 Traces\s+January 2019$", line):
            continue
        out.append((no, line))
    return out


VALUE_RE = re.compile(r"^      (\S[^:(]*?)(?: \((\d+) octets\))?:\s+(.*)$")
CONT_RE = re.compile(r"^         ([0-9a-f]{2}(?: [0-9a-f]{2})*)\s*$")
BLOCK_RE = re.compile(r"^   \{(client|server)\}\s+(.*)$")


def parse_blocks(numbered):
    """Returns [(line_no, actor, title, [(name, bytes_or_None, note)])]."""
    lines = [t for _, t in numbered]
    blocks = []
    cur = None
    value = None  # [name, count, hex_parts, note]
    i = 0

    def close_value():
        nonlocal value
        if value is None:
            return
        name, count, parts, note = value
        data = bytes.fromhex(" ".join(parts)) if parts is not None else None
        if count is not None:
            n = int(count)
            got = 0 if data is None else len(data)
            if got != n:
                fail(f"{name}: printed {n} octets, read {got}")
        cur[3].append((name, data, note))
        value = None

    while i < len(lines):
        line = lines[i]
        m = BLOCK_RE.match(line)
        if m:
            close_value()
            title = m.group(2).strip()
            # A title may wrap onto the next line inside parentheses.
            while title.count("(") > title.count(")"):
                i += 1
                title += " " + lines[i].strip()
            cur = [numbered[i][0], m.group(1), title, []]
            blocks.append(cur)
            i += 1
            continue
        m = VALUE_RE.match(line)
        if m and cur is not None:
            close_value()
            name, count, rest = m.group(1), m.group(2), m.group(3).strip()
            if rest == "(empty)":
                value = [name, count, [], None]
            elif rest == "0 (all zero octets)":
                value = [name, None, None, rest]
            else:
                if not re.fullmatch(r"[0-9a-f]{2}(?: [0-9a-f]{2})*", rest):
                    fail(f"line {i + 1}: cannot read value {rest!r}")
                value = [name, count, [rest], None]
            i += 1
            continue
        m = CONT_RE.match(line)
        if m and value is not None and value[2]:
            value[2].append(m.group(1))
            i += 1
            continue
        if line.strip() == "":
            i += 1
            continue
        # Prose (section text, notes): ends any value.
        close_value()
        i += 1
    close_value()
    return blocks


# ------------------------------------------------------------ step builder


def hx(b):
    return b.hex()


def decode_hkdf_label(info):
    if len(info) < 4:
        fail("info too short")
    length = int.from_bytes(info[0:2], "big")
    llen = info[2]
    label = info[3 : 3 + llen]
    clen = info[3 + llen]
    ctx = info[4 + llen : 4 + llen + clen]
    if 4 + llen + clen != len(info):
        fail(f"info {info.hex()} has trailing bytes")
    if not label.startswith(b"tls13 "):
        fail(f"label {label!r} lacks tls13 prefix")
    return length, label[6:].decode("ascii"), ctx


def split_messages(payload):
    msgs = []
    pos = 0
    while pos < len(payload):
        if pos + 4 > len(payload):
            fail("truncated handshake header in payload")
        n = int.from_bytes(payload[pos + 1 : pos + 4], "big")
        msgs.append(payload[pos : pos + 4 + n])
        pos += 4 + n
    if pos != len(payload):
        fail("payload does not split into handshake messages")
    return msgs


class Section:
    def __init__(self, number, title):
        self.number = number
        self.title = title
        self.steps = []
        self.messages = {}  # id -> bytes
        self.order = []  # transcript order of message ids
        self.partial = {}  # id of a partial ClientHello -> bytes
        self.name_counts = {}
        # writer side -> list of key sets {epoch, key, iv, seq}
        self.keys = {"client": [], "server": []}
        self.early_secret = None
        self.psk = None
        self.dhe = None
        self.secrets = {}
        self.contexts = {}
        self.traffic = {}
        self.finished = {}
        self.last_keypair = {}

    # -- messages

    def new_id(self, side, name):
        key = (side, name)
        self.name_counts[key] = self.name_counts.get(key, 0) + 1
        n = self.name_counts[key]
        return f"{side}:{name}" + ("" if n == 1 else f"#{n}")

    def transcript_hash(self, ids):
        h = hashlib.sha256()
        # RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is
        # replaced by message_hash.
        if any(self.messages[i][:1] == b"\x02" and self.messages[i][6:38] == HRR_RANDOM for i in ids):
            hrr_at = next(
                k
                for k, i in enumerate(ids)
                if self.messages[i][:1] == b"\x02" and self.messages[i][6:38] == HRR_RANDOM
            )
            before = b"".join(self.messages[i] for i in ids[:hrr_at])
            h.update(b"\xfe\x00\x00\x20" + hashlib.sha256(before).digest())
            ids = ids[hrr_at:]
        for i in ids:
            h.update(self.messages[i])
        return h.digest()

    # -- blocks

    def add(self, line, actor, title, values):
        vals = {}
        for name, data, note in values:
            if name in vals:
                fail(f"line {line}: value {name} twice")
            vals[name] = (data, note)
        names = [v[0] for v in values]
        src = f"RFC 8448 §{self.number}, line {line}: {{{actor}}} {title}"

        def need(*want):
            if sorted(names) != sorted(want):
                fail(f"line {line}: expected values {want}, got {names}")

        def get(name):
            return vals[name][0]

        if not values:
            # "(same as ...)" blocks print nothing.
            if "same as" not in title:
                fail(f"line {line}: block without values: {title}")
            return

        m = re.fullmatch(r"create an ephemeral (x25519|P-256) key pair:", title)
        if m:
            need("private key", "public key")
            kind = "x25519_keypair" if m.group(1) == "x25519" else "p256_keypair"
            self.last_keypair[actor] = (m.group(1), get("private key"), get("public key"))
            self.steps.append(
                {
                    "kind": kind,
                    "source": src,
                    "side": actor,
                    "private": hx(get("private key")),
                    "public": hx(get("public key")),
                }
            )
            return

        m = re.fullmatch(r"construct an? (\w+) handshake message:", title)
        if m:
            name = m.group(1)
            need(name)
            data = get(name)
            if HS_TYPES.get(data[0]) != name:
                fail(f"line {line}: {name} has type {data[0]}")
            declared = int.from_bytes(data[1:4], "big")
            step = {"kind": "message", "source": src, "side": actor, "name": name}
            if name == "ServerHello" and data[6:38] == HRR_RANDOM:
                step["hello_retry_request"] = True
                mid = self.new_id(actor, "HelloRetryRequest")
            else:
                mid = self.new_id(actor, name)
            if declared + 4 != len(data):
                # RFC 8448 §4 prints the ClientHello without its binders.
                if name != "ClientHello" or declared + 4 < len(data):
                    fail(f"line {line}: {name} length mismatch")
                mid += "(partial)"
                step["partial"] = True
                self.partial[mid] = data
            else:
                self.messages[mid] = data
                self.order.append(mid)
            step["id"] = mid
            step["data"] = hx(data)
            self.steps.append(step)
            return

        m = re.fullmatch(r"send (\w+) record:", title)
        if m:
            need("payload", "complete record")
            ctype = CONTENT_TYPES[m.group(1)]
            payload, record = get("payload"), get("complete record")
            step = {
                "kind": "record",
                "source": src,
                "side": actor,
                "content_type": ctype,
                "payload": hx(payload),
                "record": hx(record),
            }
            if ctype == 22:
                ids = []
                for msg in split_messages(payload):
                    found = [k for k in self.order if self.messages[k] == msg]
                    if not found:
                        # The full ClientHello of a partial one (with binders).
                        part = [k for k, v in self.partial.items() if msg.startswith(v)]
                        if len(part) != 1:
                            fail(f"line {line}: record message not constructed")
                        mid = part[0].replace("(partial)", "")
                        self.messages[mid] = msg
                        self.order.append(mid)
                        found = [mid]
                        step["completes"] = part[0]
                    ids.append(found[-1])
                step["messages"] = ids
            if record[0] == ctype and record[5:] == payload:
                if int.from_bytes(record[3:5], "big") != len(payload):
                    fail(f"line {line}: plaintext record length")
                self.steps.append(step)
                return
            if record[:3] != b"\x17\x03\x03":
                fail(f"line {line}: record neither plaintext nor protected")
            step["kind"] = "protected_record"
            inner = payload + bytes([ctype])
            hit = None
            for ks in self.keys[actor]:
                nonce = bytes(a ^ b for a, b in zip(ks["iv"], ks["seq"].to_bytes(12, "big")))
                try:
                    pt = AESGCM(ks["key"]).decrypt(nonce, record[5:], record[:5])
                except Exception:
                    continue
                if pt != inner:
                    fail(f"line {line}: record decrypts to other bytes")
                hit = ks
                break
            if hit is None:
                fail(f"line {line}: no key opens this record")
            step["epoch"] = hit["epoch"]
            step["key"] = hx(hit["key"])
            step["iv"] = hx(hit["iv"])
            step["seq"] = hit["seq"]
            hit["seq"] += 1
            self.steps.append(step)
            return

        m = re.fullmatch(r'extract secret "(\w+)":', title)
        if m:
            stage = m.group(1)
            if "salt" not in vals or "IKM" not in vals or "secret" not in vals:
                fail(f"line {line}: extract lacks values")
            salt, note = vals["salt"]
            if salt is None:
                if note != "0 (all zero octets)":
                    fail(f"line {line}: salt {note}")
                salt = bytes(32)
            ikm, out = get("IKM"), get("secret")
            step = {
                "kind": "hkdf_extract",
                "source": src,
                "stage": stage,
                "salt": hx(salt),
                "ikm": hx(ikm),
                "out": hx(out),
            }
            if note:
                step["salt_printed"] = note
            self.steps.append(step)
            self.secrets[stage] = out
            if stage == "early":
                self.early_secret = out
                self.psk = None if ikm == bytes(32) else ikm
            elif stage == "handshake":
                self.dhe = ikm
                # The (EC)DHE input is the agreement of the last key pairs
                # each side made (RFC 8448 prints it only as this IKM).
                cg, cpriv, cpub = self.last_keypair["client"]
                sg, spriv, spub = self.last_keypair["server"]
                if cg != sg:
                    fail(f"line {line}: key pairs of different groups")
                self.steps.append(
                    {
                        "kind": "ecdhe",
                        "source": src + " (IKM) and the key pairs above",
                        "group": {"x25519": "x25519", "P-256": "secp256r1"}[cg],
                        "client_private": hx(cpriv),
                        "client_public": hx(cpub),
                        "server_private": hx(spriv),
                        "server_public": hx(spub),
                        "shared": hx(ikm),
                    }
                )
            return

        m = re.fullmatch(
            r'(?:derive secret(?: for (?:handshake|master))?|generate resumption secret) "tls13 ([\w ]+)":',
            title,
        )
        if m:
            need("PRK", "hash", "info", "expanded")
            label = m.group(1)
            prk, ctx, info, out = get("PRK"), get("hash"), get("info"), get("expanded")
            length, ilabel, ictx = decode_hkdf_label(info)
            if ilabel != label or ictx != ctx or length != len(out):
                fail(f"line {line}: info does not match the title/hash")
            step = {
                "kind": "expand_label",
                "source": src,
                "secret": hx(prk),
                "label": label,
                "context": hx(ctx),
                "len": len(out),
                "info": hx(info),
                "out": hx(out),
            }
            if label == "derived":
                step["transcript"] = []
            elif label != "resumption":
                # Derive-Secret over the messages sent so far.
                ids = list(self.order)
                if label in ("c e traffic", "e exp master"):
                    ids = ids[:1]
                step["transcript"] = ids
            if "transcript" in step and self.transcript_hash(step["transcript"]) != ctx:
                fail(f"line {line}: transcript hash mismatch for {label}")
            if label == "resumption":
                step["ticket_nonce_of"] = "server:NewSessionTicket"
            self.steps.append(step)
            self.secrets[label] = out
            if label != "derived":
                self.contexts[label] = ctx
            return

        m = re.fullmatch(
            r"derive (write|read) traffic keys for (early application|handshake|application) data:",
            title,
        )
        if m:
            need("PRK", "key info", "key expanded", "iv info", "iv expanded")
            writer = actor if m.group(1) == "write" else ("client" if actor == "server" else "server")
            epoch = {"early application": "early", "handshake": "handshake", "application": "application"}[
                m.group(2)
            ]
            key, iv = get("key expanded"), get("iv expanded")
            for what, info, val in (("key", get("key info"), key), ("iv", get("iv info"), iv)):
                length, lab, ctx = decode_hkdf_label(info)
                if lab != what or ctx != b"" or length != len(val):
                    fail(f"line {line}: {what} info")
            self.steps.append(
                {
                    "kind": "traffic_keys",
                    "source": src,
                    "writer": writer,
                    "epoch": epoch,
                    "aead": "AES_128_GCM",
                    "secret": hx(get("PRK")),
                    "key_info": hx(get("key info")),
                    "key": hx(key),
                    "iv_info": hx(get("iv info")),
                    "iv": hx(iv),
                }
            )
            self.keys[writer].append({"epoch": epoch, "key": key, "iv": iv, "seq": 0})
            self.traffic[(writer, epoch)] = (get("PRK"), key, iv)
            return

        if title == 'calculate finished "tls13 finished":':
            need("PRK", "hash", "info", "expanded", "finished")
            info = get("info")
            length, lab, ctx = decode_hkdf_label(info)
            if lab != "finished" or ctx != b"" or get("hash") != b"":
                fail(f"line {line}: finished info")
            ids = list(self.order)
            self.steps.append(
                {
                    "kind": "finished",
                    "source": src,
                    "side": actor,
                    "base_key": hx(get("PRK")),
                    "context": "",
                    "info": hx(info),
                    "finished_key": hx(get("expanded")),
                    "transcript": ids,
                    "verify_data": hx(get("finished")),
                }
            )
            self.finished[actor] = (ids, get("finished"))
            return

        if title == "calculate PSK binder:":
            need("ClientHello prefix", "binder hash", "PRK", "hash", "info", "expanded", "finished")
            prefix = get("ClientHello prefix")
            if hashlib.sha256(prefix).digest() != get("binder hash"):
                fail(f"line {line}: binder hash")
            parts = [k for k, v in self.partial.items() if v == prefix]
            if len(parts) != 1:
                fail(f"line {line}: binder prefix is not the partial ClientHello")
            length, lab, ctx = decode_hkdf_label(get("info"))
            if lab != "finished" or ctx != b"" or get("hash") != b"":
                fail(f"line {line}: binder info")
            self.steps.append(
                {
                    "kind": "psk_binder",
                    "source": src,
                    "early_secret": hx(self.early_secret),
                    "external": False,
                    "client_hello_prefix": hx(prefix),
                    "binder_hash": hx(get("binder hash")),
                    "binder_key": hx(get("PRK")),
                    "context": "",
                    "info": hx(get("info")),
                    "finished_key": hx(get("expanded")),
                    "binder": hx(get("finished")),
                    "client_hello": parts[0].replace("(partial)", ""),
                }
            )
            return

        fail(f"line {line}: unknown block {title!r}")

    def schedule_step(self):
        """A walk through the whole schedule, from values printed above."""
        s = self.secrets
        c = self.contexts
        step = {
            "kind": "key_schedule",
            "source": f"RFC 8448 §{self.number}: the secrets printed above, in order",
            "hash": "SHA256",
            "aead": "AES_128_GCM",
            "psk": None if self.psk is None else hx(self.psk),
            "dhe": hx(self.dhe),
            "early_secret": hx(s["early"]),
            "handshake_secret": hx(s["handshake"]),
            "master_secret": hx(s["master"]),
            "hello_hash": hx(c["c hs traffic"]),
            "client_handshake_traffic_secret": hx(s["c hs traffic"]),
            "server_handshake_traffic_secret": hx(s["s hs traffic"]),
            "server_finished_hash": hx(c["c ap traffic"]),
            "client_application_traffic_secret_0": hx(s["c ap traffic"]),
            "server_application_traffic_secret_0": hx(s["s ap traffic"]),
            "exporter_master_secret": hx(s["exp master"]),
            "client_finished_hash": hx(c["res master"]),
            "resumption_master_secret": hx(s["res master"]),
        }
        if "c e traffic" in s:
            step["client_hello_hash"] = hx(c["c e traffic"])
            step["client_early_traffic_secret"] = hx(s["c e traffic"])
            step["early_exporter_master_secret"] = hx(s["e exp master"])
        if "resumption" in s:
            step["ticket_nonce"] = hx(c["resumption"])
            step["resumption_psk"] = hx(s["resumption"])
        for (writer, epoch), (_, key, iv) in sorted(self.traffic.items()):
            step[f"{writer}_{epoch}_key"] = hx(key)
            step[f"{writer}_{epoch}_iv"] = hx(iv)
        for side, (ids, vd) in sorted(self.finished.items()):
            step[f"{side}_finished_transcript"] = ids
            step[f"{side}_verify_data"] = hx(vd)
        return step


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rfc = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/rfc/rfc8448.txt"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "rfc8448")
    with open(rfc, encoding="ascii") as f:
        all_lines = f.read().split("\n")
    os.makedirs(out_dir, exist_ok=True)
    for number, (title, start, end) in SECTIONS.items():
        lines = all_lines[start - 1 : end - 1]
        if not lines[0].startswith(f"{number}.  {title}"):
            fail(f"section {number} does not start at line {start}")
        # Line numbers in "source" refer to the RFC text file.
        body = strip_page_breaks(lines, start)
        sec = Section(number, title)
        for line, actor, btitle, values in parse_blocks(body):
            sec.add(line, actor, btitle, values)
        steps = sec.steps + [sec.schedule_step()]
        path = os.path.join(out_dir, f"section{number}.json")
        with open(path, "w", encoding="ascii") as f:
            json.dump(steps, f, indent=1)
            f.write("\n")
        kinds = {}
        for st in steps:
            kinds[st["kind"]] = kinds.get(st["kind"], 0) + 1
        print(f"section {number}: {len(steps)} steps {kinds}")


if __name__ == "__main__":
    main()
