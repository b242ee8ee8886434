"""Make a submission's strings safe for every report, once, where they enter.

A submission controls much of what a report shows: its exception messages,
its written answers, its printed output, its file names. `clean` is applied
when such a string enters the grader's records (`gradkit.grading._results`
does it for every field of every record; `from_json` for a loaded report), so
every format is written from clean text only:

- a lone surrogate (``"\\ud800"``, which no UTF-8 writer accepts) and the
  non-characters U+FFFE/U+FFFF become U+FFFD;
- control, format and separator characters (NUL, ESC and the ANSI/OSC
  sequences it starts, DEL, C1 controls, bidirectional overrides and
  isolates, zero-width characters, U+2028/U+2029) are shown visibly as
  ``\\x1b``, ``\\u202e``...; newlines and tabs are kept (``\\r\\n`` becomes ``\\n``);
- the text is cut to ``limit`` characters, saying how much was cut.

`clean` is idempotent: cleaning clean text changes nothing.
"""

from __future__ import annotations

import re

LIMIT = 4000
# Unicode categories Cc (controls), Cf (format: bidi, zero-width), Zl, Zp, Cs
# (surrogates) and the two non-characters XML cannot hold; tab and newline stay.
# tests/grading/test_sanitise.py checks this class against unicodedata.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\ufffe\uffff\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def _show(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return "\ufffd"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def clean(text: str, limit: int = LIMIT) -> str:
    """Return ``text`` with unsafe characters shown visibly, cut to ``limit`` characters."""
    if not isinstance(text, str):
        text = str(text)
    given = len(text)
    text = text[:limit]  # never scan more than is kept
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    text = _UNSAFE.sub(_show, text)
    if given > limit or len(text) > limit:
        cut = f" … [cut to {limit:,} of {given:,} characters]"
        text = text[: max(0, limit - len(cut))] + cut
    return text
