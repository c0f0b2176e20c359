#!/usr/bin/env python3
"""Compares the readability rule's Flesch-Kincaid grades with Python's textstat.

Paragraphs: the clinic's own pages (content/*.md, Markdown stripped) and text nobody here wrote,
the licences Debian ships in /usr/share/common-licenses (GPL-3, Apache-2.0, MPL-2.0: long legal
sentences, far above grade 8). textstat grades each one now, at test time; `clinic-site grade
--json` grades the same text; every grade must agree within --tolerance (1 grade).

textstat 0.7.3 is used because later versions look words up in NLTK's CMUdict, which they
download from the network on first use; 0.7.3 counts syllables with pyphen alone, i.e. the
LibreOffice hyphenation patterns that libhyphen reads for us. Intermediate rounding is off
(set_rounding(False)), so the two compute the same formula on the same counts.

One difference is by design: textstat ends a sentence at every full stop, also the point of a
decimal number ("Section 5.2", "58.3%"), and the rule does not. textstat is therefore given
each paragraph with such points taken out ("5.2" -> "52": the same word and syllables to it,
since it drops punctuation inside words anyway); the summary also says how many paragraphs
differ by more than the tolerance without that change.

usage: readability-compare.py BINARY [--min 50] [--tolerance 1]
"""
import argparse, json, os, re, subprocess, sys, tempfile
from importlib import metadata

import textstat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DECIMAL_POINT = re.compile(r"(\d)\.(\d)")
LICENCES = ["/usr/share/common-licenses/GPL-3", "/usr/share/common-licenses/Apache-2.0", "/usr/share/common-licenses/MPL-2.0"]


def clinic_paragraphs():
    out = []
    folder = os.path.join(ROOT, "content")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md"):
            continue
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        if text.startswith("---"):
            text = text.split("\n---", 1)[1].split("\n", 1)[1]
        for block in re.split(r"\n\s*\n", text):
            block = block.strip()
            if not block or block.startswith(("#", "{{", "|", "<!--")):
                continue
            for item in re.split(r"\n(?=[-*] |\d+\. )", block):
                item = re.sub(r"^([-*]|\d+\.) ", "", item.strip())
                item = re.sub(r"<!--.*?-->", "", item)
                item = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", item)
                item = re.sub(r"\{\{[^}]*\}\}", "", item)
                item = item.replace("**", "").replace("`", "")
                out.append(" ".join(item.split()))
    return out


def licence_paragraphs(limit_each=40):
    out = []
    for path in LICENCES:
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8", errors="replace").read()
        n = 0
        for block in re.split(r"\n\s*\n", text):
            block = " ".join(block.split())
            if len(block.split()) >= 20 and n < limit_each:
                out.append(block)
                n += 1
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--min", type=int, default=50)
    parser.add_argument("--tolerance", type=float, default=1.0)
    args = parser.parse_args()

    paragraphs = [p for p in clinic_paragraphs() + licence_paragraphs() if len(p.split()) >= 8]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n\n".join(paragraphs) + "\n")
        path = f.name
    try:
        run = subprocess.run([args.binary, "grade", "--json", path], capture_output=True, text=True, check=True)
    finally:
        os.unlink(path)
    ours = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    if len(ours) != len(paragraphs):
        print(f"readability-compare: {len(paragraphs)} paragraphs given, {len(ours)} graded", file=sys.stderr)
        return 1

    textstat.set_lang("en_US")
    textstat.set_rounding(False)
    diffs = []
    raw_beyond = 0
    for text, mine in zip(paragraphs, ours):
        theirs = textstat.flesch_kincaid_grade(DECIMAL_POINT.sub(r"\1\2", text))
        diffs.append((abs(mine["grade"] - theirs), mine["grade"], theirs, text))
        if abs(mine["grade"] - textstat.flesch_kincaid_grade(text)) > args.tolerance:
            raw_beyond += 1
    bad = [d for d in diffs if d[0] > args.tolerance]
    mean = sum(d[0] for d in diffs) / len(diffs)
    grades = [d[2] for d in diffs]
    print(f"readability-compare: {len(diffs)} paragraphs (textstat {metadata.version('textstat')}, pyphen {metadata.version('pyphen')}; textstat's grades {min(grades):.1f} to {max(grades):.1f}); "
          f"mean difference {mean:.2f}, largest {max(d[0] for d in diffs):.2f}, {sum(1 for d in diffs if d[0] < 0.05)} within 0.05; "
          f"{len(bad)} beyond {args.tolerance} ({raw_beyond} with textstat's sentence ends at decimal points)")
    for d, mine, theirs, text in sorted(diffs, reverse=True)[:3]:
        print(f"  ours {mine:.2f}, textstat {theirs:.2f}: {text[:90]}")
    if len(diffs) < args.min:
        print(f"readability-compare: only {len(diffs)} paragraphs, at least {args.min} needed", file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
