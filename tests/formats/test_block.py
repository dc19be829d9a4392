import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiwg.formats.block import BlockError, read_block, remove_block, write_block
from aiwg.formats.fences import unclosed_fence

# AIWG_PROPERTY_EXAMPLES=N raises every property here to N examples, as in tests/keyed/.
EXAMPLES = int(os.environ.get("AIWG_PROPERTY_EXAMPLES", "0"))
USER_TEXT = "# My project\n\nHand-written notes.\n"


def test_block_is_appended_after_a_blank_line_and_read_back() -> None:
    text = write_block(USER_TEXT, "rules", "one\ntwo\n")
    assert text == USER_TEXT + "\n<!-- aiwg:begin rules -->\none\ntwo\n<!-- aiwg:end rules -->\n"
    assert read_block(text, "rules") == "one\ntwo\n"


def test_replacing_keeps_every_byte_outside_the_markers() -> None:
    before, after = "intro\n\n", "\n## Mine\nkept\n"
    text = before + "<!-- aiwg:begin rules -->\nold\n<!-- aiwg:end rules -->\n" + after
    new = write_block(text, "rules", "new\n")
    assert new == before + "<!-- aiwg:begin rules -->\nnew\n<!-- aiwg:end rules -->\n" + after


def test_remove_undoes_write() -> None:
    assert remove_block(write_block(USER_TEXT, "rules", "x\n"), "rules") == USER_TEXT
    assert remove_block(write_block(None, "rules", "x\n"), "rules") == ""


def test_crlf_files_keep_crlf() -> None:
    text = "a\r\nb\r\n"
    new = write_block(text, "rules", "x\ny\n")
    assert "\n" not in new.replace("\r\n", "")
    assert read_block(new, "rules") == "x\ny\n"
    assert remove_block(new, "rules") == text


def test_absent_block_reads_none() -> None:
    assert read_block(USER_TEXT, "rules") is None


def test_broken_markers_are_an_error() -> None:
    with pytest.raises(BlockError):
        read_block("<!-- aiwg:end rules -->\n", "rules")
    with pytest.raises(BlockError):
        read_block("<!-- aiwg:begin rules -->\nx\n<!-- aiwg:begin rules -->\n", "rules")


def test_other_blocks_are_independent() -> None:
    text = write_block(write_block(USER_TEXT, "a", "1\n"), "b", "2\n")
    assert read_block(text, "a") == "1\n" and read_block(text, "b") == "2\n"
    assert read_block(remove_block(text, "a"), "b") == "2\n"


lines = st.lists(st.text(alphabet="abc #-\t", max_size=12), max_size=6)


@settings(max_examples=EXAMPLES or 200, deadline=None)
@given(lines, lines, lines)
def test_property_user_text_survives_write_and_remove(user: list[str], one: list[str],
                                                      two: list[str]) -> None:
    text = "".join(line + "\n" for line in user)
    first = write_block(text, "rules", "".join(x + "\n" for x in one))
    second = write_block(first, "rules", "".join(x + "\n" for x in two))
    assert read_block(second, "rules") == "".join(x + "\n" for x in two)
    assert second.startswith(text)
    assert remove_block(second, "rules") == text


# --- defect 8: marker lines inside fenced code are text ---------------------------------------

BEGIN, END = "<!-- aiwg:begin rules -->", "<!-- aiwg:end rules -->"
FENCED_EXAMPLE = f"Here is how a block looks:\n\n```markdown\n{BEGIN}\n...\n{END}\n```\n"


def test_defect_8_a_fenced_example_in_the_persons_text_is_not_a_marker() -> None:
    for fence in ("```", "~~~", "````", "```html title=x", "  ~~~~~ md"):
        char = fence.strip()[0]
        closer = char * len(fence.strip().split()[0])
        text = f"# Notes\n\n{fence}\n{BEGIN}\n{END}\n{closer}\n"
        assert read_block(text, "rules") is None
        written = write_block(text, "rules", "x\n")
        assert read_block(written, "rules") == "x\n"
        assert remove_block(written, "rules") == text


def test_defect_8_a_fenced_example_in_the_block_content_is_not_a_marker() -> None:
    text = write_block("mine\n", "rules", FENCED_EXAMPLE)
    assert read_block(text, "rules") == FENCED_EXAMPLE
    again = write_block(text, "rules", FENCED_EXAMPLE + "more\n")
    assert read_block(again, "rules") == FENCED_EXAMPLE + "more\n"
    assert remove_block(again, "rules") == "mine\n"


def test_defect_8_a_fence_shorter_than_its_opener_does_not_close_it() -> None:
    content = f"````\n```\n{END}\n```\n````\n"
    text = write_block("", "rules", content)
    assert read_block(text, "rules") == content


def test_defect_8_content_that_would_break_the_markers_is_refused() -> None:
    with pytest.raises(BlockError, match=r"line 2 .* marker line outside fenced code"):
        write_block("mine\n", "rules", f"text\n{END}\n")
    with pytest.raises(BlockError, match=r"line 1 .*never closed"):
        write_block("mine\n", "rules", "```\ncode\n")
    with pytest.raises(BlockError, match="marker"):
        write_block("mine\n", "rules", "<!-- aiwg:begin other -->\n")


def test_defect_8_an_unclosed_fence_is_refused_before_a_block_is_added_after_it() -> None:
    with pytest.raises(BlockError, match="line 2 opens a code fence that is never closed"):
        write_block("notes\n```\nforgot to close\n", "rules", "x\n")


def test_defect_8_an_unclosed_fence_added_above_the_block_does_not_hide_it() -> None:
    written = "notes\n```\nforgot to close\n" + write_block("", "rules", "x\n")
    assert read_block(written, "rules") == "x\n"
    assert read_block(write_block(written, "rules", "y\n"), "rules") == "y\n"
    assert remove_block(written, "rules") == "notes\n```\nforgot to close\n"


def test_defect_8_a_fence_left_open_inside_the_block_still_ends_at_its_marker() -> None:
    text = f"a\n{BEGIN}\n```\nhand edit\n{END}\nafter\n"
    assert read_block(text, "rules") == "```\nhand edit\n"
    assert remove_block(text, "rules") == "a\nafter\n"


def test_defect_8_broken_markers_outside_fences_name_the_line() -> None:
    with pytest.raises(BlockError, match="line 3"):
        read_block(f"a\n{BEGIN}\n{BEGIN}\n{END}\n", "rules")
    with pytest.raises(BlockError, match="line 2"):
        read_block(f"a\n{END}\n", "rules")


_PLAIN = st.text(alphabet="ab #-`~\té🚀\u2028", max_size=8).filter(
    lambda line: not line.lstrip(" ").startswith(("```", "~~~")))
_MARKERS = st.sampled_from([BEGIN, END, "<!-- aiwg:begin other -->", "# aiwg:end rules"])
_OPENERS = st.sampled_from(["```", "~~~", "````", "```python", "~~~~ sh", "  ```", "```` md"])


@st.composite
def _fenced(draw: st.DrawFn, closed: bool = True, markers: bool = True) -> list[str]:
    opener = draw(_OPENERS)
    run = opener.strip().split()[0].rstrip("pythonmd")
    other = "~~~" if run[0] == "`" else "```"
    inside = st.one_of(_PLAIN, _MARKERS, st.just(other)) if markers else _PLAIN
    lines = [opener, *draw(st.lists(inside, max_size=4))]
    return [*lines, run] if closed else lines


@st.composite
def _document(draw: st.DrawFn, trailing_open: bool = False) -> str:
    segments = draw(st.lists(st.one_of(_PLAIN.map(lambda line: [line]), _fenced()), max_size=5))
    lines = [line for segment in segments for line in segment]
    if trailing_open and draw(st.booleans()):
        lines.extend(draw(_fenced(closed=False, markers=False)))
    return "".join(line + "\n" for line in lines)


@settings(max_examples=EXAMPLES or 300, deadline=None)
@given(_document(trailing_open=True), _document(), _document(), st.booleans(), st.booleans(),
       st.booleans())
def test_defect_8_property_text_outside_survives_with_fenced_markers(
        user: str, one: str, two: str, crlf: bool, bom: bool, eol: bool) -> None:
    if crlf:
        user = user.replace("\n", "\r\n")
    # A BOM and a last line without a newline are the person's bytes too.
    user = ("\ufeff" if bom else "") + (user if eol else user.removesuffix("\n").removesuffix(
        "\r"))
    if unclosed_fence(user.removeprefix("\ufeff").split("\n")) is not None:
        with pytest.raises(BlockError, match="never closed"):
            write_block(user, "rules", one)
        return
    first = write_block(user, "rules", one)
    second = write_block(first, "rules", two)
    assert read_block(second, "rules") == two
    assert second.startswith(user)
    assert remove_block(second, "rules") == user


@settings(max_examples=EXAMPLES or 300, deadline=None)
@given(_document(), _document(trailing_open=True), _document(), _document())
def test_defect_8_property_text_after_the_block_survives(
        before: str, after: str, one: str, two: str) -> None:
    host = write_block(before, "rules", one) + after
    rewritten = write_block(host, "rules", two)
    assert read_block(rewritten, "rules") == two
    assert rewritten.startswith(before) and rewritten.endswith(after)
    removed = remove_block(rewritten, "rules")
    # Only the blank line aiwg put between the text and its block may stay or go.
    assert removed in (before + after, before + after[1:], before[:-1] + after,
                       before + "\n" + after)


def test_a_bom_an_editor_put_before_aiwgs_first_marker_keeps_the_block_readable() -> None:
    # An editor saving AGENTS.md (which aiwg wrote, block first) with a BOM made the begin
    # marker unreadable and the end marker "without a begin": every later sync failed.
    text = f"\ufeff{BEGIN}\nold\n{END}\nmine\n"
    assert read_block(text, "rules") == "old\n"
    assert write_block(text, "rules", "new\n") == f"\ufeff{BEGIN}\nnew\n{END}\nmine\n"
    assert remove_block(text, "rules") == "\ufeffmine\n"


def test_a_last_line_without_a_newline_keeps_having_none() -> None:
    # Shrunk from the fenced-markers property: write then remove ended the person's last line.
    for user in ("a", "\ufeff", "x\r\ny", "```\ncode\n```"):
        written = write_block(user, "rules", "one\n")
        assert read_block(written, "rules") == "one\n"
        assert remove_block(written, "rules") == user
        assert remove_block(write_block(written, "rules", "two\n"), "rules") == user


# --- blocks written first (.gitattributes: later lines win, so the person's lines go after) ---

HASH_BEGIN, HASH_END = "# aiwg:begin linguist", "# aiwg:end linguist"
hash_line = st.one_of(st.text(alphabet="ab #*/!\\\"\t", max_size=10),
                      st.sampled_from(["# aiwg:begin other", "# aiwg:end other", "", "#",
                                       "* text=auto", "CLAUDE.md -linguist-generated"]))


@st.composite
def _hash_file(draw: st.DrawFn) -> str:
    rows = draw(st.lists(hash_line, max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(rows) + (newline if rows and draw(st.booleans()) else "")
    return ("\ufeff" if draw(st.booleans()) else "") + text


@settings(max_examples=EXAMPLES or 300, deadline=None)
@given(_hash_file(), lines, lines)
def test_property_a_first_block_leads_the_file_and_write_then_remove_gives_it_back(
        user: str, one: list[str], two: list[str]) -> None:
    content = "".join(f"/{x.strip() or 'x'} linguist-generated\n" for x in one)
    written = write_block(user, "linguist", content, "hash", first=True)
    assert read_block(written, "linguist", "hash") == content
    body = written.removeprefix("\ufeff")
    assert body.startswith(HASH_BEGIN), "the block is the first thing after a BOM"
    assert written.startswith("\ufeff") == user.startswith("\ufeff")
    # Updating it keeps it where it is; the person's bytes after it are untouched.
    updated = write_block(written, "linguist", "".join(f"/{x or 'y'} -diff\n" for x in two),
                          "hash", first=True)
    assert updated[updated.index(HASH_END):].split("\n", 1)[1] == \
        written[written.index(HASH_END):].split("\n", 1)[1]
    assert remove_block(updated, "linguist", "hash") == user
    assert remove_block(written, "linguist", "hash") == user


def test_a_first_block_in_examples() -> None:
    assert write_block("* text=auto\n", "g", "/a x\n", "hash", first=True) == \
        "# aiwg:begin g\n/a x\n# aiwg:end g\n\n* text=auto\n"
    assert write_block("\ufeffa\r\nb", "g", "/a x\n", "hash", first=True) == \
        "\ufeff# aiwg:begin g\r\n/a x\r\n# aiwg:end g\r\n\r\na\r\nb"
    assert write_block("", "g", "/a x\n", "hash", first=True) == "# aiwg:begin g\n/a x\n# aiwg:end g\n"
