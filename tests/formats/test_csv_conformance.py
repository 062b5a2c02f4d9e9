"""CSV conformance on ../shared/testdata/csv.

Pollock (ground truth): every polluted file is read with its loading
parameters and must either read to the content of its clean version or,
where the pollution makes it malformed, be rejected with a located error
("line N (byte offset B)"). DuckDB's sniffer files (a reference, not ground
truth): read with the dialect DuckDB detected, the row count and header
names must match DuckDB's, or the file is rejected with a located error.
"""
import csv
import json
import re

LOCATED = re.compile(r": line \d+ \(byte offset \d+\): ")

# Pollutions that make the file malformed for a strict RFC 4180 reader.
MALFORMED_PREFIXES = ("row_more_sep", "row_less_sep", "row_extra_quote", "file_multitable",
                      "file_header_multirow", "row_field_delimiter",
                      # Quotes inside quoted fields left unescaped (no escape
                      # character; apostrophes inside '-quoted fields) and
                      # unquoted spaces in space-separated rows: ambiguous
                      # for a strict RFC 4180 reader.
                      "file_escape_char_0x00", "file_quotation_char_0x27",
                      "file_field_delimiter_0x20")
# Dialects Mortar does not offer (Glue neither): multi-character separators.
UNSUPPORTED = {"file_field_delimiter_0x2C_0x20.csv"}


def _opt_char(c):
    return {"\t": "\\t", "": "-1"}.get(c, c)


def _separator(c):
    return "," if c == "" else _opt_char(c)


def pollock_options(params):
    opts = [f"separator={_separator(params['delimiter'])}",
            f"quoteChar={_opt_char(params['quotechar'])}",
            "inferSchema=false",
            f"withHeader={'true' if params['header_lines'] > 0 else 'false'}"]
    esc = params.get("escapechar", "")
    if esc and esc != params["quotechar"]:
        opts.append(f"escaper={_opt_char(esc)}")
    skip = params.get("preamble_lines", 0) + max(0, params["header_lines"] - 1)
    if skip:
        opts.append(f"skipRows={skip}")
    return opts


def clean_rows(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        rows = list(csv.reader(f))
    return [r for r in rows if r]


def test_pollock(mortar, testdata):
    base = testdata / "csv" / "pollock"
    results = {}
    for polluted in sorted((base / "csv").glob("*.csv")):
        name = polluted.name
        if name in UNSUPPORTED:
            continue
        params = json.loads((base / "parameters" / f"{name}_parameters.json").read_text())
        clean = clean_rows(base / "clean" / name)
        expected = clean[1:] if params["header_lines"] > 0 else clean
        proc = mortar.run("cat", polluted, "--input-format", "csv",
                          *sum((["--option", o] for o in pollock_options(params)), []),
                          check=False)
        stderr = proc.stderr.decode(errors="replace")
        if proc.returncode == 0:
            rows = [json.loads(l) for l in proc.stdout.decode().splitlines() if l]
            got = [["" if v is None else v for v in r.values()] for r in rows]
            ok = got == expected
            results[name] = "read" if ok else "WRONG"
        else:
            located = bool(LOCATED.search(stderr)) and str(polluted) in stderr
            malformed = name.startswith(MALFORMED_PREFIXES)
            results[name] = "rejected" if (located and malformed) else "ERROR: " + stderr[:200]
    passed = [n for n, r in results.items() if r in ("read", "rejected")]
    print(f"\nPollock: {len(passed)}/{len(results)} pass "
          f"({sum(r == 'read' for r in results.values())} read exactly, "
          f"{sum(r == 'rejected' for r in results.values())} rejected with a located error); "
          f"not attempted (unsupported dialect): {sorted(UNSUPPORTED)}")
    failed = {n: r for n, r in results.items() if n not in passed}
    for n, r in failed.items():
        print(f"  FAIL {n}: {r}")
    assert not failed


def duckdb_options(sniff):
    opts = [f"separator={_opt_char(sniff['delimiter'])}", "inferSchema=false",
            f"withHeader={'true' if sniff['has_header'] else 'false'}"]
    quote = "" if sniff["quote"] == "(empty)" else sniff["quote"]
    opts.append(f"quoteChar={_opt_char(quote)}")
    escape = "" if sniff["escape"] == "(empty)" else sniff["escape"]
    if escape and escape != quote:
        opts.append(f"escaper={_opt_char(escape)}")
    if sniff["skip_rows"]:
        opts.append(f"skipRows={sniff['skip_rows']}")
    return opts


def header_of(path, exp):
    """The literal header fields of a file (to tell generated names apart)."""
    if not exp["sniff"]["has_header"]:
        return []
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        for _ in range(exp["sniff"]["skip_rows"]):
            f.readline()
        delim = exp["sniff"]["delimiter"]
        return next(csv.reader(f, delimiter=delim if len(delim) == 1 else ","), [])


def test_duckdb_sniffer_files(mortar, testdata):
    base = testdata / "csv" / "duckdb"
    expected = json.loads((base / "EXPECTED.json").read_text())["files"]
    results = {}
    for rel, exp in sorted(expected.items()):
        path = base / rel
        if "sniff" not in exp:
            continue
        opts = duckdb_options(exp["sniff"])
        args = sum((["--option", o] for o in opts), [])
        proc = mortar.run("cat", path, "--input-format", "csv", *args, check=False)
        stderr = proc.stderr.decode(errors="replace")
        if proc.returncode != 0:
            results[rel] = "rejected" if LOCATED.search(stderr) else "ERROR: " + stderr[:200]
            continue
        rows = [json.loads(l) for l in proc.stdout.decode().splitlines() if l]
        # DuckDB names header-less columns columnN (deduplicated with _1);
        # Mortar, as Glue, colN.
        names = [re.sub(r"^column(\d+)(_\d+)?$", lambda m: f"col{i}", c["name"])
                 if re.match(r"^column\d+(_\d+)?$", c["name"]) and c["name"] not in header_of(path, exp) else c["name"]
                 for i, c in enumerate(exp["sniff"]["columns"])]
        got_names = list(rows[0].keys()) if rows else None
        if len(rows) != exp["rows"]:
            results[rel] = f"WRONG rows {len(rows)} != {exp['rows']}"
        elif exp["sniff"]["has_header"] and rows and got_names != names:
            results[rel] = f"WRONG names {got_names} != {names}"
        else:
            results[rel] = "read"
    passed = [n for n, r in results.items() if r in ("read", "rejected")]
    print(f"\nDuckDB CSV files: {len(passed)}/{len(results)} pass "
          f"({sum(r == 'read' for r in results.values())} read as DuckDB does, "
          f"{sum(r == 'rejected' for r in results.values())} rejected with a located error)")
    failed = {n: r for n, r in results.items() if n not in passed}
    for n, r in failed.items():
        print(f"  FAIL {n}: {r}")
    assert not failed
