"""Harbor's doublestar patterns (github.com/bmatcuk/doublestar, as its retention, immutable and replication
selectors use them): `**` any path, `*` and `?` within one path segment, `[...]` classes (`!` or `^` negates),
`{a,b}` alternatives (each a pattern itself), `\\` escapes.
"""

import re


def translate(pattern):
    """The regex (without anchors) of a doublestar pattern."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith('**', i):
            out.append('.*')
            i += 2
            continue
        if char == '*':
            out.append('[^/]*')
        elif char == '?':
            out.append('[^/]')
        elif char == '[':
            end = pattern.find(']', i + 1)
            if end < 0:  # unclosed: taken literally
                out.append(re.escape(char))
                i += 1
                continue
            body = pattern[i + 1:end]
            if body[:1] in ('!', '^'):
                body = '^' + body[1:]
            out.append('[%s]' % body)
            i = end
        elif char == '{':
            end = pattern.find('}', i + 1)
            if end < 0:  # unclosed: taken literally
                out.append(re.escape(char))
                i += 1
                continue
            out.append('(?:%s)' % '|'.join(translate(alt) for alt in pattern[i + 1:end].split(',')))
            i = end
        elif char == '\\' and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return ''.join(out)


def match(pattern, value):
    """doublestar.Match; an empty pattern matches everything (Harbor's `match`)."""
    if not pattern:
        return True
    return re.fullmatch(translate(pattern), value) is not None
