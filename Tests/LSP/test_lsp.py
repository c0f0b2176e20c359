"""End to end: the real `clinic-site lsp` binary driven by pytest-lsp (a real LSP client).

Run by `make lsp-test` (part of `make test`): CLINIC_SITE is the binary, the site is a copy of
the repository's content/ and theme/ in a temporary folder.
"""

import asyncio
import os
import pathlib
import shutil
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("CLINIC_SITE", str(ROOT / ".build/release/clinic-site"))
SITE = pathlib.Path(os.environ.get("LSP_TEST_SITE", str(ROOT / ".build/lsp-test-site")))


def make_site():
    if SITE.exists():
        shutil.rmtree(SITE)
    SITE.mkdir(parents=True)
    shutil.copytree(ROOT / "content", SITE / "content")
    shutil.copytree(ROOT / "theme", SITE / "theme")


def uri(relative):
    return (SITE / relative).as_uri()


def utf16(text):
    """The UTF-16 length of text, as LSP counts columns."""
    return len(text.encode("utf-16-le")) // 2


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BINARY, "lsp", "--today", "2026-11-24"]))
async def client(lsp_client: LanguageClient):
    make_site()
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=SITE.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


async def diagnostics_until(client, uri, predicate, timeout=30):
    """Waits for publishes until the diagnostics of uri satisfy predicate; returns them."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and predicate(found):
            return found
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise AssertionError(f"timed out; diagnostics of {uri}: {[(d.code, d.message) for d in found or []]}")
        try:
            await asyncio.wait_for(client.wait_for_notification("textDocument/publishDiagnostics"), remaining)
        except asyncio.TimeoutError:
            pass


def codes(diagnostics):
    return sorted(str(d.code) for d in diagnostics)


def change(client, doc, version, line, character, end_line, end_character, text):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=line, character=character),
                        end=types.Position(line=end_line, character=end_character),
                    ),
                    text=text,
                )
            ],
        )
    )


@pytest.mark.asyncio
async def test_edit_check_fix_complete(client: LanguageClient):
    doc = uri("content/contact.md")
    text = (SITE / "content/contact.md").read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=doc, language_id="markdown", version=1, text=text)
        )
    )
    baseline = await diagnostics_until(client, doc, lambda d: True)
    baseline_codes = codes(baseline)
    assert "price.mismatch" not in baseline_codes and "link.missing-fragment" not in baseline_codes
    assert all(d.source == "clinic-site" for d in baseline)

    # Type, without saving, a wrong price and a broken #anchor after non-ASCII text.
    lines = text.split("\n")
    end_line = len(lines) - 1
    end_character = utf16(lines[-1])
    prefix = "Café “naïve” 😀 costs $450 per treatment session. See "
    link = "[the FAQ](faq.md#can-i-drive-after-treatment)"
    typed = "\n" + prefix + link + ".\n"
    new_line = end_line + 1
    # Typed in pieces, quickly, as a person types: the last state must win.
    version = 1
    position = (end_line, end_character)
    for piece in [typed[:10], typed[10:30], typed[30:]]:
        version += 1
        change(client, doc, version, position[0], position[1], position[0], position[1], piece)
        parts = piece.split("\n")
        if len(parts) > 1:
            position = (position[0] + len(parts) - 1, utf16(parts[-1]))
        else:
            position = (position[0], position[1] + utf16(piece))

    found = await diagnostics_until(
        client, doc, lambda d: {"price.mismatch", "link.missing-fragment"} <= set(codes(d))
    )
    price = next(d for d in found if d.code == "price.mismatch")
    anchor = next(d for d in found if d.code == "link.missing-fragment")
    dollar = utf16(prefix[: prefix.index("$")])
    assert price.range.start == types.Position(line=new_line, character=dollar), price.range
    assert price.range.end == types.Position(line=new_line, character=dollar + 4), price.range
    assert price.severity == types.DiagnosticSeverity.Error
    assert "$500" in price.message and "{{price treatment-session}}" in price.message
    assert anchor.range.start == types.Position(line=new_line, character=utf16(prefix)), anchor.range
    assert anchor.range.end == types.Position(line=new_line, character=utf16(prefix + link)), anchor.range

    # Quick fixes for both, from the diagnostics' exact edits: the anchor after '#', the typed
    # amount; at UTF-16 columns after the non-ASCII text. Applied as an editor would.
    fragment = utf16(prefix + link[: link.index("#") + 1])
    for diagnostic, expected, start, end in [
        (anchor, "can-i-drive-after-a-treatment", fragment, fragment + len("can-i-drive-after-treatment")),
        (price, "{{price treatment-session}}", dollar, dollar + 4),
    ]:
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=doc),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.diagnostics[0].code == diagnostic.code]
        assert fixes, f"no quick fix for {diagnostic.code}: {actions}"
        edit = fixes[0].edit.changes[doc][0]
        assert edit.new_text == expected, edit
        assert edit.range == types.Range(
            start=types.Position(line=new_line, character=start), end=types.Position(line=new_line, character=end)
        ), edit.range
        version += 1
        change(client, doc, version, edit.range.start.line, edit.range.start.character,
               edit.range.end.line, edit.range.end.character, edit.new_text)

    cleared = await diagnostics_until(
        client, doc, lambda d: "price.mismatch" not in codes(d) and "link.missing-fragment" not in codes(d)
    )
    assert codes(cleared) == baseline_codes

    fixed_line = prefix.replace("$450", "{{price treatment-session}}") + "[the FAQ](faq.md#can-i-drive-after-a-treatment)."

    # Hover and definition on the shortcode the fix wrote.
    at_price = types.Position(line=new_line, character=utf16(fixed_line[: fixed_line.index("{{price") + 3]))
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=doc), position=at_price)
    )
    assert hover is not None and "$500" in hover.contents.value and "content/pricing.md" in hover.contents.value, hover
    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=doc), position=at_price)
    )
    location = definition[0] if isinstance(definition, list) else definition
    pricing_lines = (SITE / "content/pricing.md").read_text().split("\n")
    assert location.uri == uri("content/pricing.md")
    assert pricing_lines[location.range.start.line].strip() == "- id: treatment-session"

    # Definition of the link: the FAQ, at its heading.
    at_link = types.Position(line=new_line, character=utf16(fixed_line[: fixed_line.index("[the FAQ]") + 2]))
    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=doc), position=at_link)
    )
    location = definition[0] if isinstance(definition, list) else definition
    faq_lines = (SITE / "content/faq.md").read_text().split("\n")
    assert location.uri == uri("content/faq.md")
    assert faq_lines[location.range.start.line].startswith("#") and "drive" in faq_lines[location.range.start.line].lower()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=doc), position=at_link)
    )
    assert hover is not None and "/faq/" in hover.contents.value

    # Completion: price ids, pages inside ](, heading ids after #.
    line3 = new_line + 1
    version += 1
    change(client, doc, version, line3, 0, line3, 0, "Ask {{price  [a](faq.md#")

    async def complete(character):
        result = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=doc), position=types.Position(line=line3, character=character)
            )
        )
        return result.items if hasattr(result, "items") else result

    items = await complete(len("Ask {{price "))
    by_label = {i.label: i for i in items}
    assert "treatment-session" in by_label and "$500" in by_label["treatment-session"].detail
    assert "unconfirmed" in by_label["therapy-session"].detail
    items = await complete(len("Ask {{price  [a]("))
    assert {"faq.md", "pricing.md", "index.md"} <= {i.label for i in items}
    items = await complete(len("Ask {{price  [a](faq.md#"))
    assert "can-i-drive-after-a-treatment" in {i.label for i in items}


@pytest.mark.asyncio
async def test_other_files_and_settings(client: LanguageClient):
    """An unsaved edit of pricing.md shows on pages that are not open; a broken _site.yaml too."""
    pricing = uri("content/pricing.md")
    faq = uri("content/faq.md")
    text = (SITE / "content/pricing.md").read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=pricing, language_id="markdown", version=1, text=text)
        )
    )
    await diagnostics_until(client, pricing, lambda d: True)
    renamed = text.replace("- id: treatment-session", "- id: treatment-visit")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=pricing, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=renamed)],
        )
    )
    found = await diagnostics_until(client, faq, lambda d: "price.unknown-id" in codes(d))
    unknown = next(d for d in found if d.code == "price.unknown-id")
    faq_lines = (SITE / "content/faq.md").read_text().split("\n")
    assert "{{price treatment-session}}" in faq_lines[unknown.range.start.line]
    # Undo: the FAQ's diagnostic is cleared.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=pricing, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await diagnostics_until(client, faq, lambda d: "price.unknown-id" not in codes(d))

    settings = uri("content/_site.yaml")
    settings_text = (SITE / "content/_site.yaml").read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=settings, language_id="yaml", version=1, text=settings_text)
        )
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=settings, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=settings_text + "\nname: [unclosed\n")],
        )
    )
    found = await diagnostics_until(client, settings, lambda d: any(x.severity == types.DiagnosticSeverity.Error for x in d))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=settings)))
    # Closed unsaved: the file on disk is what counts again.
    await diagnostics_until(client, settings, lambda d: not any(x.severity == types.DiagnosticSeverity.Error for x in d))


async def quick_fixes(client, doc, diagnostic):
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return [a for a in actions or [] if a.kind == types.CodeActionKind.QuickFix and a.diagnostics[0].code == diagnostic.code]


@pytest.mark.asyncio
async def test_did_you_mean_id_quick_fix(client: LanguageClient):
    """A misspelt price id after non-ASCII text: the quick fix (from the diagnostic's exact fix)
    replaces only the id, at UTF-16 columns; once the text changed under it, it is not offered."""
    doc = uri("content/contact.md")
    text = (SITE / "content/contact.md").read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=doc, language_id="markdown", version=1, text=text)
        )
    )
    await diagnostics_until(client, doc, lambda d: True)
    lines = text.split("\n")
    prefix = "Ñoño “é” 😀 {{price "
    typed = "\n" + prefix + "treatment-sesion}} here.\n"
    change(client, doc, 2, len(lines) - 1, utf16(lines[-1]), len(lines) - 1, utf16(lines[-1]), typed)
    found = await diagnostics_until(client, doc, lambda d: "price.unknown-id" in codes(d))
    unknown = next(d for d in found if d.code == "price.unknown-id")
    line = len(lines)
    assert unknown.range.start == types.Position(line=line, character=utf16("Ñoño “é” 😀 ")), unknown.range
    assert "did you mean 'treatment-session'" in unknown.message

    fixes = await quick_fixes(client, doc, unknown)
    assert len(fixes) == 1, fixes
    edit = fixes[0].edit.changes[doc][0]
    assert edit.new_text == "treatment-session"
    start = utf16(prefix)
    assert edit.range == types.Range(
        start=types.Position(line=line, character=start), end=types.Position(line=line, character=start + len("treatment-sesion"))
    ), edit.range

    # Typed over before the next check finished: the edit no longer fits the text, so no fix.
    change(client, doc, 3, line, start, line, start + len("treatment-sesion"), "q")
    assert await quick_fixes(client, doc, unknown) == []
    # Typed back: the next check's fix is offered, and applying it clears the diagnostic.
    change(client, doc, 4, line, start, line, start + 1, "treatment-sesion")
    suggested = await diagnostics_until(
        client, doc, lambda d: any(x.code == "price.unknown-id" and "did you mean" in x.message for x in d)
    )
    fixes = await quick_fixes(client, doc, next(d for d in suggested if d.code == "price.unknown-id"))
    edit = fixes[0].edit.changes[doc][0]
    change(client, doc, 5, edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character, edit.new_text)
    await diagnostics_until(client, doc, lambda d: "price.unknown-id" not in codes(d))
