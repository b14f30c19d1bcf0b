#!/usr/bin/env python3
"""Recompute a Chuanyu expert draw record (algorithm version 1, docs/expert-draws.md).

Usage: verify_draw.py RECORD.json [--pure-sm3]
       verify_draw.py --self-test

Checks the candidate list's hash, the commitment against the revealed seed, the panel, the alternates and every
substitution, prints one line per check and exits 0 when all match, 1 when any does not, 2 on a usage error.
Python 3 standard library only. SM3 comes from hashlib when its OpenSSL has it, else from the pure-Python SM3
below (--pure-sm3 forces it).
"""
import hashlib
import json
import sys

# --- SM3 (GB/T 32905-2016), pure Python -----------------------------------------------------------------------------

_SM3_IV = [0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E]
_M = 0xFFFFFFFF


def _rotl(x, n):
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _M


def _p0(x):
    return x ^ _rotl(x, 9) ^ _rotl(x, 17)


def _p1(x):
    return x ^ _rotl(x, 15) ^ _rotl(x, 23)


def sm3_pure(data: bytes) -> bytes:
    length = len(data) * 8
    msg = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + length.to_bytes(8, "big")
    v = list(_SM3_IV)
    for off in range(0, len(msg), 64):
        w = [int.from_bytes(msg[off + 4 * i:off + 4 * i + 4], "big") for i in range(16)]
        for j in range(16, 68):
            w.append(_p1(w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
        w1 = [w[j] ^ w[j + 4] for j in range(64)]
        a, b, c, d, e, f, g, h = v
        for j in range(64):
            t = 0x79CC4519 if j < 16 else 0x7A879D8A
            ss1 = _rotl((_rotl(a, 12) + e + _rotl(t, j)) & _M, 7)
            ss2 = ss1 ^ _rotl(a, 12)
            if j < 16:
                ff, gg = a ^ b ^ c, e ^ f ^ g
            else:
                ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
            tt1 = (ff + d + ss2 + w1[j]) & _M
            tt2 = (gg + h + ss1 + w[j]) & _M
            d, c, b, a = c, _rotl(b, 9), a, tt1
            h, g, f, e = g, _rotl(f, 19), e, _p0(tt2)
        v = [x ^ y for x, y in zip(v, [a, b, c, d, e, f, g, h])]
    return b"".join(x.to_bytes(4, "big") for x in v)


def sm3_hashlib(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def hash_function(hash_id, pure_sm3=False):
    if hash_id == "sha256":
        return lambda data: hashlib.sha256(data).digest()
    if hash_id == "sm3":
        if not pure_sm3:
            try:
                hashlib.new("sm3", b"")
                return sm3_hashlib
            except ValueError:
                pass
        return sm3_pure
    return None


SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def self_test():
    ok = sm3_pure(b"abc").hex() == SM3_ABC and sm3_pure(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    print("pure-Python SM3 matches GB/T 32905 test vectors:", "yes" if ok else "NO")
    return 0 if ok else 1


# --- The draw, version 1 --------------------------------------------------------------------------------------------

def ordinal(s):
    # .NET's ordinal string order compares UTF-16 code units; for ASCII ids (GUIDs) this is plain string order.
    return s.encode("utf-16-be")


def list_hash(candidates, h):
    ids = [c["id"] for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("a candidate id is on the list twice")
    lines = []
    for c in sorted(candidates, key=lambda c: ordinal(c["id"])):
        for field in ("id", "institution", "region"):
            if any(ch in c[field] for ch in "\t\n\r"):
                raise ValueError("a candidate's %s holds a tab or line break" % field)
        lines.append("%s\t%s\t%s\t%s\n" % (c["id"], c["institution"], c["region"], "1" if c["senior"] else "0"))
    return h("".join(lines).encode("utf-8")).hex()


def is_other(c, spec):
    return c["region"] != spec["homeRegion"]


def feasible(candidates, seats, senior, other, spec, used):
    """Can `seats` seats with at least `senior` senior and `other` other-region members be filled from `candidates`,
    one per institution not in `used` (one per candidate when institutions may repeat)?"""
    if seats <= 0:
        return senior <= 0 and other <= 0
    groups = {}
    for i, c in enumerate(candidates):
        key = c["institution"] if spec["onePerInstitution"] else i
        if spec["onePerInstitution"] and key in used:
            continue
        groups.setdefault(key, set()).add((c["senior"], is_other(c, spec)))
    both = flexible = only_s = only_o = any_seat = 0
    for kinds in groups.values():
        if (True, True) in kinds:
            both += 1
        elif (True, False) in kinds and (False, True) in kinds:
            flexible += 1
        elif (True, False) in kinds:
            only_s += 1
        elif (False, True) in kinds:
            only_o += 1
        else:
            any_seat += 1
    take_both = min(both, seats)
    left = seats - take_both
    need_s, need_o = max(senior - take_both, 0), max(other - take_both, 0)
    from_s, from_o = min(only_s, need_s), min(only_o, need_o)
    from_flex = need_s - from_s + need_o - from_o
    if from_flex > flexible or need_s + need_o > left:
        return False
    spare = both - take_both + flexible - from_flex + only_s - from_s + only_o - from_o + any_seat
    return left - need_s - need_o <= spare


def run(candidates, spec, seed, h):
    order = sorted(candidates, key=lambda c: (h(seed + c["id"].encode("utf-8")), ordinal(c["id"])))
    r, s, o = spec["panelSize"], spec["minSenior"], spec["minOtherRegion"]
    one = spec["onePerInstitution"]
    panel, used, walk = [], set(), []
    for i, c in enumerate(order):
        if r == 0:
            break
        if one and c["institution"] in used:
            walk.append((c, "skip: institution already on the panel"))
            continue
        s1 = max(s - (1 if c["senior"] else 0), 0)
        o1 = max(o - (1 if is_other(c, spec) else 0), 0)
        if s1 > r - 1 or o1 > r - 1:
            walk.append((c, "skip: the remaining seats could not meet the minimums"))
            continue
        rest = order[i + 1:]
        if not feasible(rest, r - 1, s1, o1, spec, used | {c["institution"]}) and feasible(order[i:], r, s, o, spec, used):
            walk.append((c, "skip: taking it would leave the panel uncompletable"))
            continue
        panel.append(c)
        walk.append((c, "take"))
        r, s, o = r - 1, s1, o1
        if one:
            used.add(c["institution"])
    on_panel = {c["id"] for c in panel}
    alternates = []
    for c in order:
        if len(alternates) == spec["alternates"]:
            break
        if c["id"] in on_panel or (one and c["institution"] in used):
            continue
        alternates.append(c)
        if one:
            used.add(c["institution"])
    return order, panel, alternates, walk


def substitute(panel_now, alternates_left, spec):
    senior = sum(1 for p in panel_now if p["senior"])
    other = sum(1 for p in panel_now if is_other(p, spec))
    institutions = {p["institution"] for p in panel_now}
    for a in alternates_left:
        if spec["onePerInstitution"] and a["institution"] in institutions:
            continue
        if senior + (1 if a["senior"] else 0) < spec["minSenior"] or other + (1 if is_other(a, spec) else 0) < spec["minOtherRegion"]:
            continue
        return a
    return None


def verify(record, pure_sm3=False, show_walk=False):
    """Returns a list of (check, passed, detail)."""
    checks = []
    if record.get("version") != 1:
        return [("version", False, "algorithm version %r is unknown" % record.get("version"))]
    h = hash_function(record.get("hash"), pure_sm3)
    if h is None:
        return [("hash function", False, "unknown hash %r" % record.get("hash"))]
    candidates, spec = record["candidates"], record["spec"]
    try:
        computed = list_hash(candidates, h)
        checks.append(("candidate list hash", computed == record["candidateListHash"],
                       computed if computed == record["candidateListHash"] else "list hashes to %s, published %s" % (computed, record["candidateListHash"])))
    except ValueError as e:
        return checks + [("candidate list hash", False, str(e))]
    if record.get("seed") is None:
        return checks + [("commitment", False, "seed not revealed yet")]
    seed = bytes.fromhex(record["seed"])
    commitment = h(seed).hex()
    checks.append(("commitment", commitment == record["commitment"],
                   commitment if commitment == record["commitment"] else "seed hashes to %s, published %s" % (commitment, record["commitment"])))
    order, panel, alternates, walk = run(candidates, spec, seed, h)
    if show_walk:
        for c, decision in walk:
            print("  %s  %-36s %s" % (h(seed + c["id"].encode("utf-8")).hex()[:16], c["id"], decision))
    panel_ids = [c["id"] for c in panel]
    alt_ids = [c["id"] for c in alternates]
    checks.append(("panel", panel_ids == record["panel"], " ".join(panel_ids) if panel_ids == record["panel"] else "recomputed %s" % " ".join(panel_ids)))
    checks.append(("alternates", alt_ids == record["alternates"], " ".join(alt_ids) if alt_ids == record["alternates"] else "recomputed %s" % " ".join(alt_ids)))
    left = list(alternates)
    for n, sub in enumerate(record.get("substitutions") or [], 1):
        at = [i for i, p in enumerate(panel) if p["id"] == sub["declined"]]
        if not at:
            checks.append(("substitution %d" % n, False, "%s is not on the panel" % sub["declined"]))
            break
        now = panel[:at[0]] + panel[at[0] + 1:]
        pick = substitute(now, left, spec)
        ok = pick is not None and pick["id"] == sub["substitute"]
        checks.append(("substitution %d" % n, ok, "%s -> %s" % (sub["declined"], pick["id"] if pick else "none (new draw)")))
        if not ok:
            break
        panel = panel[:at[0]] + [pick] + panel[at[0] + 1:]
        left.remove(pick)
    return checks


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = {a for a in argv[1:] if a.startswith("--")}
    if "--self-test" in flags:
        return self_test()
    if len(args) != 1 or flags - {"--pure-sm3", "--walk"}:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as f:
            record = json.load(f)
    except (OSError, ValueError) as e:
        print("cannot read %s: %s" % (args[0], e), file=sys.stderr)
        return 2
    try:
        checks = verify(record, "--pure-sm3" in flags, "--walk" in flags)
    except (KeyError, TypeError, ValueError) as e:
        checks = [("record", False, "malformed record: %s" % e)]
    for name, ok, detail in checks:
        print("%-20s %s  %s" % (name, "ok  " if ok else "FAIL", detail))
    intact = bool(checks) and all(ok for _, ok, _ in checks)
    print("draw intact" if intact else "draw NOT intact")
    return 0 if intact else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
