"""Grok conformance on ../shared/testdata/grok: the elastic/examples Apache
access log (1000 lines) read through `mortar file cat --input-format grok`
with %{COMBINEDAPACHELOG} and with the pattern of the example's logstash
config (typed :int captures).

The oracle is independent of Mortar's RE2 translation: the ORIGINAL logstash
legacy pattern files (with their lookbehinds and atomic groups) expanded in
Python and matched by Python's backtracking `re`, as logstash's Oniguruma
would. Every line must give the same fields and values.
"""
import json
import re

import pytest

def load_library(base):
    lib = {}
    for f in sorted((base / "patterns" / "legacy").iterdir()):
        for line in f.read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, _, rx = line.partition(" ")
            lib.setdefault(name, rx.strip())
    return lib


REF = re.compile(r"%\{(\w+)(?::([^:}]+))?(?::(\w+))?\}")


def expand(lib, text, fields, stack=()):
    """Grok text -> Python regex; `fields` collects (group, field, type)."""
    def ref(m):
        name, field, typ = m.group(1), m.group(2), m.group(3)
        assert name not in stack, f"cycle at {name}"
        body = expand(lib, lib[name], fields, stack + (name,))
        if field:
            g = f"g{len(fields)}"
            fields.append((g, field, typ or "string"))
            return f"(?P<{g}>{body})"
        return f"(?:{body})"

    def onig_named(m):
        g = f"g{len(fields)}"
        fields.append((g, m.group(1), "string"))
        return f"(?P<{g}>"

    # Named groups and references, left to right, so group numbering follows the text.
    out = []
    pos = 0
    token = re.compile(r"%\{[^}]+\}|\(\?<([A-Za-z_][\w.@\[\]-]*)>")
    for m in token.finditer(text):
        out.append(text[pos:m.start()])
        if m.group(0).startswith("%{"):
            out.append(ref(REF.fullmatch(m.group(0))))
        else:
            out.append(onig_named(m))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def oracle_rows(lib, pattern, lines):
    fields = []
    rx = re.compile(expand(lib, pattern, fields))
    names = []
    for _, f, _ in fields:
        if f not in names:
            names.append(f)
    rows = []
    for line in lines:
        if not line:
            continue
        m = rx.search(line)
        if not m:
            continue
        row = {n: None for n in names}
        for g, f, typ in fields:
            v = m.group(g)
            if v is None or row[f] is not None or v == "-":
                continue
            if typ == "int":
                v = int(v)
            row[f] = v
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def grok_data(testdata):
    base = testdata / "grok"
    if not base.is_dir():
        pytest.skip(f"grok conformance data not present at {base}")
    return base


def conf_pattern(base):
    conf = (base / "samples" / "apache_logstash.conf").read_text()
    m = re.search(r"\"message\" => '([^']*)'", conf)
    assert m, "pattern not found in apache_logstash.conf"
    return m.group(1)


@pytest.mark.parametrize("which", ["COMBINEDAPACHELOG", "logstash.conf"])
def test_apache_log_matches_oracle(mortar, grok_data, which):
    base = grok_data
    log = base / "samples" / "apache_combined_first1000.log"
    pattern = "%{COMBINEDAPACHELOG}" if which == "COMBINEDAPACHELOG" else conf_pattern(base)
    lines = log.read_text().splitlines()
    expected = oracle_rows(load_library(base), pattern, lines)
    got = mortar.rows(log, f"logFormat={pattern}", input_format="grok")
    assert len(expected) > 900  # the oracle itself works
    passed = sum(1 for a, b in zip(got, expected) if a == b)
    print(f"grok conformance ({which}): {passed}/{len(expected)} records equal the oracle")
    assert len(got) == len(expected)
    mismatches = [(i, a, b) for i, (a, b) in enumerate(zip(got, expected)) if a != b]
    assert not mismatches, f"{len(mismatches)} differ, first: {mismatches[0]}"


def test_typed_schema_from_logstash_conf(mortar, grok_data):
    log = grok_data / "samples" / "apache_combined_first1000.log"
    # The :int captures arrive as JSON integers, the rest as strings.
    rows = mortar.rows(log, f"logFormat={conf_pattern(grok_data)}", input_format="grok")
    assert all(isinstance(r["response"], int) for r in rows)
    assert all(r["bytes"] is None or isinstance(r["bytes"], int) for r in rows)
    assert any(r["bytes"] is None for r in rows)  # "-" sizes are MISSING -> null
    assert all(isinstance(r["clientip"], str) for r in rows)


def test_strict_mode_reports_the_unmatched_line(mortar, grok_data, tmp_path):
    log = tmp_path / "mixed.log"
    lines = (grok_data / "samples" / "apache_combined_first1000.log").read_text().splitlines()[:3]
    log.write_text("\n".join(lines[:2] + ["not an access log line"] + lines[2:]) + "\n")
    ok = mortar.rows(log, "logFormat=%{COMBINEDAPACHELOG}", input_format="grok")
    assert len(ok) == 3
    proc = mortar.run("cat", log, "--input-format", "grok", "--option",
                      "logFormat=%{COMBINEDAPACHELOG}", "--option", "StrictMode=true", check=False)
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert "line 3" in err and "mixed.log" in err


def test_lookaround_pattern_is_refused_clearly(mortar, grok_data, tmp_path):
    log = tmp_path / "x.log"
    log.write_text("a\n")
    proc = mortar.run("cat", log, "--input-format", "grok", "--option",
                      "logFormat=%{MINE:x}", "--option", "customPatterns=MINE a(?=b)", check=False)
    assert proc.returncode != 0
    assert "grok pattern MINE uses lookaround" in proc.stderr.decode()
