"""Escaping for every place untrusted text is shown.

Titles, bodies, file names, DEP titles and symbol names come from pull requests, which may come from
anyone. Before they reach Markdown (job summary, comment, INDEX.md) or a workflow command
(annotations), they pass through here.
"""

from __future__ import annotations

import re

# Characters with a meaning in GitHub-flavoured Markdown inline text. Escaping all of them with a
# backslash is always safe: CommonMark treats a backslash before any ASCII punctuation as literal.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&:=$\"'^])")
# GitHub turns `@name` into a mention (and `a@b.c` into a mail link) after Markdown rendering, so a
# backslash does not stop it; an invisible zero-width space after the `@` does.
_MENTION_BREAK = "@\u200b"
# Controls, line and paragraph separators, and the bidirectional embeddings, overrides and isolates, which make a
# title or path read differently from what it holds ("Trojan Source"); depgate shows text as it is.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_WS = re.compile(r"\s+")
# Lone surrogates: what a file name that is not UTF-8 decodes to (`depgate.git`); no UTF-8 stream can hold them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """Replace lone surrogates (from file names that are not UTF-8) so the text can be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def md_inline(text: object, *, max_length: int = 300) -> str:
    """Escape text for one line of Markdown (a table cell, a list item, a heading).

    Newlines become spaces, control characters are dropped, every Markdown or HTML special character
    is backslash-escaped (so no link, image, emphasis, HTML tag or table pipe survives) and a zero-width
    space follows every `@` so nobody is mentioned and no mail link forms. Long text is cut with an ellipsis.

    Examples:
        >>> md_inline("a | b <img src=x>")
        'a \\\\| b \\\\<img src\\\\=x\\\\>'
    """
    value = _CONTROL.sub("", str(text))
    value = _WS.sub(" ", value).strip()
    if len(value) > max_length:
        value = value[: max_length - 1].rstrip() + "…"
    return _MD_SPECIAL.sub(r"\\\1", value).replace("@", _MENTION_BREAK)


def md_code(text: object, *, max_length: int = 200) -> str:
    """Show text as inline code, safely: the fence is longer than any backtick run inside.

    Inside a code span nothing is interpreted, but a `|` would still end a table cell, so it is
    replaced by its HTML entity... which code spans do not decode; use U+2223 instead.
    """
    value = _WS.sub(" ", _CONTROL.sub("", str(text))).strip()
    if len(value) > max_length:
        value = value[: max_length - 1] + "…"
    value = value.replace("|", "\u2223")
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def workflow_data(text: object) -> str:
    """Escape the message part of a GitHub workflow command (`::error ...::<data>`).

    `%`, CR and LF are percent-encoded as the runner expects; other control characters (ESC, BEL...)
    are dropped, so a name cannot send terminal escape sequences to the Actions log.
    """
    value = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _CONTROL.sub("", value)


def workflow_property(text: object) -> str:
    """Escape a property value of a workflow command (`file=`, `title=`)."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")
