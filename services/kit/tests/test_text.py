"""kit.text: the free-text rule services enforce and the gateway documents as a pattern."""
from __future__ import annotations

import re
import sys

import grpc
import pytest
from google.protobuf import api_pb2, struct_pb2, type_pb2
from kit import errors, text


def _every_character():
    return (chr(c) for c in range(sys.maxunicode + 1))


@pytest.mark.parametrize("multiline,pattern", [(False, text.SINGLE_LINE_PATTERN),
                                               (True, text.MULTILINE_PATTERN)])
def test_the_pattern_and_the_check_agree_on_every_character(multiline, pattern):
    # The gateway's schema publishes the pattern, the check decides: they must agree on every
    # code point but the surrogates (which a JSON Schema regex reads as UTF-16 halves).
    regex = re.compile(pattern)
    disagree = [hex(ord(ch)) for ch in _every_character()
                if not 0xD800 <= ord(ch) <= 0xDFFF
                and (regex.fullmatch(ch) is None) != (text.refused_character(
                    ch, multiline=multiline) is not None)]
    assert disagree == []


def test_what_is_refused():
    refused = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + ["\ud800", "\udfff"]
    for ch in refused:
        assert text.refused_character(f"a{ch}b") == ch
    for ch in "\t\n\r":
        assert text.refused_character(ch, multiline=True) is None
    for ok in ("上海校区", "O'Brien & Co. (北京)", "\U00019d18", "\u00a0nbsp", "emoji \U0001f600"):
        assert text.refused_character(ok) is None
        assert text.check_text(ok, "name") == ok


def test_check_text_is_invalid_argument_naming_the_character():
    with pytest.raises(errors.InvalidArgument) as refused:
        text.check_text("a\x00b", "name")
    assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.reason == "invalid.name"
    assert "U+0000" in refused.value.message and "U+0000" in refused.value.message_zh
    assert "\x00" not in refused.value.message + refused.value.message_zh


def test_nul_anywhere_in_a_request_is_found():
    api = api_pb2.Api(name="ok", methods=[api_pb2.Method(name="a"), api_pb2.Method(name="b")],
                      options=[type_pb2.Option(name="x")])
    assert text.nul_field(api) is None
    assert text.nul_field(api_pb2.Api(name="c\x00")) == "name"
    api.methods[1].request_type_url = "t\x00"
    assert text.nul_field(api) == "methods.request_type_url"
    assert text.nul_field(api_pb2.Mixin(root="ok", name="")) is None
    assert text.nul_field(struct_pb2.Struct(fields={"k": struct_pb2.Value(
        string_value="v\x00")})) == "fields.string_value"
    assert text.nul_field(struct_pb2.Struct(fields={"k\x00": struct_pb2.Value()})) == "fields"
    # Other control characters are each field's own rule (check_text), not the plumbing's.
    assert text.nul_field(api_pb2.Api(name="c\x07")) is None
    with pytest.raises(errors.InvalidArgument) as refused:
        text.check_message(api_pb2.Api(version="\x00"))
    assert refused.value.reason == "invalid.version"
