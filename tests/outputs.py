#!/usr/bin/env python3
"""The machine-readable outputs as a script reads them (docs/SPEC.md, output formats): JSON parsed by
Python's json from strict UTF-8, names and words that are not UTF-8 recovered exactly from their
_base64 twins, CSV parsed by Python's csv, and -q. Prints 'outputs: N passed, N failed'."""
import base64
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import WORDS, Tally, oracle, write_file  # noqa: E402

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./wordtally")
tally = Tally("outputs")
check = tally.check


def run(args, cwd=None):
    return subprocess.run([PROG] + args, capture_output=True, cwd=cwd)


def parse_json(r):
    """The report, decoded as strict UTF-8 (a stray byte raises) and parsed; None if either fails."""
    try:
        return json.loads(r.stdout.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError) as e:
        print("not UTF-8 JSON:", e, r.stdout[:300])
        return None


def shown(b):
    """What the JSON must show for the bytes b: valid UTF-8 as it is, U+FFFD for each invalid byte
    (surrogateescape turns exactly the invalid bytes into one lone surrogate each)."""
    s = b.decode("utf-8", errors="surrogateescape")
    return "".join("\ufffd" if 0xDC80 <= ord(c) <= 0xDCFF else c for c in s)


def exact(obj, key):
    """The exact bytes of obj[key]: its _base64 twin when there is one, else its UTF-8."""
    if key + "_base64" in obj:
        return base64.b64decode(obj[key + "_base64"], validate=True)
    return obj[key].encode("utf-8")


def readme_pandas_recipe():
    """The README's pandas recipe, as printed there."""
    readme = open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")).read()
    after = readme[readme.index("CSV into pandas"):]
    return after[after.index("```python\n") + 10:after.index("```\n", after.index("```python\n") + 10)]


# Runs the recipe (argv[1]) and prints what its tables hold, as JSON: in a python3 that has pandas.
PANDAS_DRIVER = """
import contextlib, io, json, sys
ns = {}
with contextlib.redirect_stdout(io.StringIO()):
    exec(open(sys.argv[1]).read(), ns)
print(json.dumps({"files": [[r.file, r.word, int(r.count)] for r in ns["files"].itertuples()],
                  "vocab": [[t, int(c)] for t, c in zip(ns["vocab"]["token"], ns["vocab"]["count"])]},
                 ensure_ascii=True))
"""


def pandas_python():
    """A python3 that has pandas: this one, or Debian's (python3-pandas) when this one is another."""
    for py in (sys.executable, "/usr/bin/python3"):
        if os.path.exists(py) and subprocess.run([py, "-c", "import pandas"], capture_output=True).returncode == 0:
            return py
    return None


def test_pandas_recipe():
    """The README's pandas recipe on text as real corpora have it: bytes that are not UTF-8 (gcide's
    Latin-1 façade) and tokens pandas takes for missing values by default (NA, null, NaN, N/A). Its
    tables must hold the SPEC oracle's tokens and counts (invalid bytes as surrogateescape keeps them)."""
    import collections
    py = pandas_python()
    check(py is not None, "python3-pandas is missing: scripts/install-deps.sh installs it")
    if py is None:
        return
    with tempfile.TemporaryDirectory() as d:
        a = b"NA null dog fa\xe7ade NaN N/A dog\n" * 3 + b"cat \xff\xfe NA girl\n"
        b = b"null boy NA\n"
        open(os.path.join(d, "a.txt"), "wb").write(a)
        open(os.path.join(d, "b.txt"), "wb").write(b)
        open(os.path.join(d, "recipe.py"), "w").write(readme_pandas_recipe())
        open(os.path.join(d, "driver.py"), "w").write(PANDAS_DRIVER)
        os.mkdir(os.path.join(d, "bin"))
        os.symlink(PROG, os.path.join(d, "bin", "wordtally"))
        env = dict(os.environ, PATH=os.path.join(d, "bin") + os.pathsep + os.environ["PATH"])
        r = subprocess.run([py, "driver.py", "recipe.py"], cwd=d, env=env, capture_output=True)
        check(r.returncode == 0, "README pandas recipe runs on non-UTF-8 bytes and NA/null tokens (%s): %s"
              % (py, r.stderr.decode(errors="replace")[-600:]))
        if r.returncode != 0:
            return
        got = json.loads(r.stdout)
        files = {(f, w): c for f, w, c in got["files"]}
        want = {(f, w): c for f, data in (("a.txt", a), ("b.txt", b)) for w, c in zip(WORDS, oracle(data))}
        check(files == want, "recipe: per-file counts = oracle: %s vs %s" % (files, want))
        tokens = a.decode("utf-8", "surrogateescape").split()
        ranked = sorted(collections.Counter(tokens).items(),
                        key=lambda kv: (-kv[1], kv[0].encode("utf-8", "surrogateescape")))[:20]
        vocab = [(t, c) for t, c in got["vocab"]]
        check(vocab == ranked, "recipe: --top table = Counter oracle, NA/null/NaN kept as tokens, bytes "
              "kept: %s vs %s" % (vocab, ranked))


def main():
    d = tempfile.mkdtemp(prefix="wt-outputs-")
    db = os.fsencode(d)

    def put(name, data):
        return write_file(db, name, data)

    text = b"dog cat dog\nboy girl girl\tdog\n"
    plain = put(b"plain.txt", text)
    latin = put(b"caf\xe9 \xff.txt", b"cat cat\n")           # not UTF-8: a _base64 twin
    utf8 = put("café ✓.txt".encode(), b"boy\n")             # UTF-8: as it is, no twin
    odd = put(b'a,b "q"\n\\\x01.txt', b"girl dog\n")          # JSON escapes, CSV quoting
    missing = os.path.join(db, b"missing \xfe.txt")
    names = [plain, latin, utf8, odd]

    # ---- JSON: keys, files and errors, counts_by_word ----
    r = run(["-f", "json"] + names + [missing, db])
    j = parse_json(r)
    check(r.returncode == 1 and j is not None, "JSON with failed inputs: exit 1, valid UTF-8 JSON")
    j = j or {}
    check(j.get("schema") == 1, "JSON: schema 1")
    check(j.get("words") == WORDS and "words_base64" not in j, "JSON: words, no words_base64 when all are UTF-8")
    files = j.get("files", [])
    check([exact(f, "path") for f in files] == names, "JSON: every counted path, exact, in order")
    check([f["path"] for f in files] == [shown(n) for n in names], "JSON: paths shown as UTF-8 with U+FFFD")
    check(["path_base64" in f for f in files] == [False, True, False, False],
          "JSON: a _base64 twin exactly for the path that is not UTF-8")
    want = [oracle(open(n, "rb").read()) for n in names]
    check([f["counts"] for f in files] == want, "JSON: per-file counts = oracle")
    check(all(f["counts_by_word"] == dict(zip(WORDS, f["counts"])) for f in files),
          "JSON: counts_by_word per file = counts")
    total = [sum(c) for c in zip(*want)]
    check(j.get("total") == total and j.get("counts_by_word") == dict(zip(WORDS, total)),
          "JSON: total and its counts_by_word")
    errors = j.get("errors", [])
    check([exact(e, "path") for e in errors] == [missing, db], "JSON: errors name the failed inputs, exact")
    check(len(errors) == 2 and errors[0]["reason"] == "No such file or directory"
          and errors[1]["reason"] == "Is a directory", "JSON: errors give the reason: %s" % errors)
    check(all(e["reason"].encode() in r.stderr for e in errors), "JSON: the reasons are stderr's")
    check(j.get("bytes") == sum(len(open(n, "rb").read()) for n in names), "JSON: bytes of counted files")

    r = run(["-f", "json", missing, db])
    j = parse_json(r) or {}
    check(r.returncode == 1 and j.get("files") == [] and len(j.get("errors", [])) == 2
          and j.get("total") == [0] * len(want[0]),
          "JSON when every input fails: still one object, its errors listed, exit 1: %r" % r.stdout[:200])
    r = run([plain, missing])
    check(r.returncode == 1 and r.stdout.startswith(b"== " + plain + b" (")
          and b"\n== total\n" in r.stdout,
          "text, two inputs named, one failed: the counted one's section, then the total: %r"
          % r.stdout[:200])
    r = run([missing])
    check(r.returncode == 1 and r.stdout == b"", "text when every input fails: nothing on stdout")
    r = run(["-f", "json", plain])
    j = parse_json(r) or {}
    check(r.returncode == 0 and j.get("errors") == [] and isinstance(j.get("files"), list),
          "JSON: errors is an empty array when every input is counted")
    r = subprocess.run([PROG, "-f", "json"], input=text, capture_output=True)
    j = parse_json(r) or {}
    check([f.get("path") for f in j.get("files", [])] == ["-"], "JSON: standard input's path is '-'")

    # ---- JSON: words that are not UTF-8, U+FFFD per invalid byte ----
    bad = [b"\xe9t\xe9", b"\xe2\x80A", b"\xed\xb0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"ok\xff"]
    good = ["dog", "na\u00efve", "\U0001f600", "\u4e2d"]
    words = [w.encode() for w in good[:2]] + bad + [w.encode() for w in good[2:]]
    body = b" ".join(words[i] for i in range(len(words)) for _ in range(i + 1)) + b" dogs \xe9t\xe9s\n"
    wfile = put(b"words.txt", body)
    r = run(sum([["-w", w] for w in words], []) + ["-f", "json", wfile])
    j = parse_json(r) or {}
    check(r.returncode == 0, "JSON with non-UTF-8 words: exit 0: %r" % r.stderr)
    check(j.get("words") == [shown(w) for w in words], "JSON: words shown with one U+FFFD per invalid byte")
    b64 = j.get("words_base64", [])
    check(len(b64) == len(words) and all((x is None) == (w.decode("utf-8", "ignore").encode() == w)
                                         for x, w in zip(b64, words)), "JSON: words_base64 is null exactly for UTF-8 words")
    check([base64.b64decode(x) if x else w.encode() for x, w in zip(b64, j.get("words", []))] == words,
          "JSON: every word's bytes recovered from words/words_base64")
    check(j.get("total") == list(range(1, len(words) + 1)), "JSON: counts of non-UTF-8 words: %s" % j.get("total"))
    check(j.get("counts_by_word") == {w: words.index(w.encode()) + 1 for w in good},
          "JSON: counts_by_word holds the UTF-8 words (non-UTF-8 ones only in the arrays)")

    # ---- text: the same words, none raw on a terminal, the counts in one column ----
    r = run(sum([["-w", w] for w in words], []) + [wfile])
    lines = r.stdout.decode("utf-8", "replace").splitlines()[:len(words)] if r.returncode == 0 else []
    check(len(lines) == len(words) and all(line.isprintable() for line in lines),
          "text: words that are not printable UTF-8 are quoted: %r" % lines)
    check(lines[7:8] and lines[7].split() == ["'ok'$'\\377'", "8"], "text: ok\\xff shown as 'ok'$'\\377': %r" % lines[7:8])
    check(len({len(line) - len(line.split()[-1]) for line in lines}) == 1,
          "text: the counts start in one column (characters, not bytes): %r" % lines)

    # ---- --sweep and --repeat: the same files and errors arrays ----
    r = run(["--sweep", "1,2", "--repeat", "1", "-f", "json", plain, latin])
    j = parse_json(r) or {}
    check(r.returncode == 0 and j.get("schema") == 1 and [exact(f, "path") for f in j.get("files", [])] == [plain, latin]
          and [f["counts"] for f in j["files"]] == want[:2] and j.get("errors") == [],
          "--sweep JSON: files is an array of path, bytes, counts")
    r = run(["--repeat", "1", "-f", "json", plain])
    j = parse_json(r) or {}
    check(r.returncode == 0 and j.get("schema") == 1 and j.get("total") == want[0] and j.get("repeat") == 1,
          "--repeat JSON: the report's keys")

    # ---- CSV: Python's csv, kind column, a groupby over file rows equals the total ----
    r = run(["-f", "csv"] + names + [missing])
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode("latin-1"), newline="")))
    check(r.returncode == 1 and rows and list(rows[0].keys()) == ["file", "bytes", "word", "count", "kind"],
          "CSV header: file,bytes,word,count,kind")
    fr = [x for x in rows if x["kind"] == "file"]
    tr = [x for x in rows if x["kind"] == "total"]
    check(len(fr) == len(names) * len(WORDS) and len(tr) == len(WORDS) and len(rows) == len(fr) + len(tr),
          "CSV: one file row per file and word, one total row per word, nothing else")
    check([x["file"].encode("latin-1") for x in fr[::len(WORDS)]] == names,
          "CSV: file names exact through quoting (comma, quote, line break)")
    check(all(x["file"] == "" for x in tr), "CSV: total rows have an empty file field")
    by_word = {}
    for x in fr:
        by_word[x["word"]] = by_word.get(x["word"], 0) + int(x["count"])
    check(by_word == {x["word"]: int(x["count"]) for x in tr} == dict(zip(WORDS, total)),
          "CSV: summing the file rows by word gives the total rows, once")

    # ---- -q: the total alone, as the oracle prints it ----
    r = run(["-q", plain])
    check(r.returncode == 0 and r.stdout == (" ".join(map(str, want[0])) + "\n").encode(), "-q: %r" % r.stdout)
    r = run(["--quiet", "-w", "girl", "-w", "dog", plain, odd])
    check(r.returncode == 0 and r.stdout == b"3 4\n", "-q over two files, words in the given order: %r" % r.stdout)
    r = run(["-q", plain, missing])
    check(r.returncode == 1 and r.stdout == (" ".join(map(str, want[0])) + "\n").encode()
          and b"missing" in r.stderr, "-q with a failed input: the others' total, exit 1")
    for bad_args in (["-f", "json"], ["-f", "csv"], ["--per-chunk"], ["--sweep", "1"]):
        r = run(["-q"] + bad_args + [plain])
        check(r.returncode == 2 and r.stdout == b"" and r.stderr.startswith(b"wordtally: --quiet:"),
              "-q %s is a usage error: %r" % (" ".join(bad_args), r.stderr))

    # ---- text for people: names and tokens never reach the terminal raw ----
    r = run([plain, odd])
    heads = [ln for ln in r.stdout.split(b"\n") if ln.startswith(b"== ")]
    check(r.returncode == 0 and heads[1] == b"== '" + odd[:-len(b'a,b "q"\n\\\x01.txt')] +
          b"a,b \"q\"'$'\\n''\\'$'\\001''.txt' (9 bytes)",
          "text headers quote a name as messages (and GNU wc) do: %r" % heads)
    r = run(["--top", "4", put(b"esc.txt", b"a \033[2J b a x\0y\n")])
    check(r.returncode == 0 and r.stdout.split(b"\n")[:4] ==
          [b"           2 a", b"           1 $'\\033''[2J'", b"           1 b", b"           1 'x'$'\\000''y'"],
          "--top text: a token with control bytes is quoted, escapes never printed raw: %r" % r.stdout)
    for args, enc, fold in (([], "utf-8", False), (["-i", "--encoding", "latin1"], "latin1", True)):
        for what in (["--top", "2"], ["--vocab"]):
            j = parse_json(run(what + args + ["-f", "json", plain])) or {}
            check(j.get("encoding") == enc and j.get("ignore_case") is fold,
                  "%s %s JSON: encoding and ignore_case, as a plain count's JSON: %r" % (what, args, j))
        r = run(["--top", "2"] + args + [plain])
        check(r.stdout.rstrip(b"\n").endswith((", " + enc + (" -i" if fold else "") +
                                                ", tokens space").encode()),
              "--top %s text summary ends with the encoding, -i and the rule: %r"
              % (args, r.stdout[-80:]))
    # --kernel applies to --top/--vocab (its token layer finds the tokens): the reports name it.
    j = parse_json(run(["--top", "2", "--kernel", "scalar", "-f", "json", plain])) or {}
    r = run(["--vocab", "--kernel", "scalar", plain])
    check(j.get("kernel") == "scalar" and b", kernel scalar, chunk " in r.stdout,
          "--top/--vocab JSON and text name the kernel: %r %r" % (j.get("kernel"), r.stdout[-160:]))

    # The token rule in effect is named by the count's JSON (`tokens`) and text summary, and
    # --version says what -i folds in each encoding.
    for args, rule in (([], "space"), (["--tokens=words"], "words"), (["--tokens=words", "-i"], "words")):
        j = parse_json(run(args + ["-f", "json", plain])) or {}
        check(j.get("tokens") == rule, "%s JSON: tokens %r" % (args, j.get("tokens")))
        r = run(args + [plain])
        check(r.stdout.rstrip(b"\n").endswith((" -i" if "-i" in args else "").encode() +
                                               b", tokens " + rule.encode()),
              "%s text summary ends with the token rule: %r" % (args, r.stdout[-80:]))
    r = run(["--version"])
    check(r.returncode == 0 and b"tokens:      space (default), words" in r.stdout and
          b"-i:          Unicode simple case folding in utf-8; ASCII case in latin1" in r.stdout and
          b"--tokens=words kernels this CPU runs: words-scalar" in r.stdout,
          "--version names the token rules and what -i folds: %r" % r.stdout)

    test_pandas_recipe()
    tally.finish()


main()
