import Foundation
import SiteKit
import Testing
import TestSupport

@testable import SiteLSP

@Suite("Document sync")
struct DocumentTests {
    func change(_ sl: Int, _ sc: Int, _ el: Int, _ ec: Int, _ text: String) -> JSON {
        ["range": ["start": ["line": .int(sl), "character": .int(sc)], "end": ["line": .int(el), "character": .int(ec)]], "text": .string(text)]
    }

    @Test func fullReplacement() {
        var doc = TextDocument(uri: "file:///a.md", version: 1, text: "old")
        do { let ok = doc.apply(["text": "new\ntext"]); #expect(ok) }
        #expect(doc.text == "new\ntext")
        #expect(doc.lines.lineCount == 2)
    }

    @Test func incrementalEditsInUTF16() {
        var doc = TextDocument(uri: "file:///a.md", version: 1, text: "😀 $450\nnext")
        // "$450" starts at UTF-16 column 3 (the emoji is two units, then a space).
        do { let ok = doc.apply(change(0, 3, 0, 7, "{{price x}}")); #expect(ok) }
        #expect(doc.text == "😀 {{price x}}\nnext")
        do { let ok = doc.apply(change(0, 0, 1, 0, "")); #expect(ok) }
        #expect(doc.text == "next")
        do { let ok = doc.apply(change(0, 4, 0, 4, "\nline ü")); #expect(ok) }
        do { let ok = doc.apply(change(1, 6, 1, 6, "!")); #expect(ok) }
        #expect(doc.text == "next\nline ü!")
    }

    @Test func manySmallEditsEqualTheirResult() {
        var doc = TextDocument(uri: "file:///a.md", version: 1, text: "")
        let typed = "Café “naïve” 😀 costs {{price x}}.\n"
        var column = 0
        var line = 0
        for character in typed {
            do { let ok = doc.apply(change(line, column, line, column, String(character))); #expect(ok) }
            if character == "\n" {
                line += 1
                column = 0
            } else {
                column += character.utf16.count
            }
        }
        #expect(doc.text == typed)
    }

    @Test func malformedChangesAreRefusedOrClamped() {
        var doc = TextDocument(uri: "file:///a.md", version: 1, text: "abc")
        do { let ok = doc.apply(["range": "nonsense", "text": "x"]); #expect(!ok) }
        do { let ok = doc.apply(["text": 5]); #expect(!ok) }
        do { let ok = doc.apply(change(7, 99, 2, 0, "!")); #expect(ok) }
        #expect(doc.text == "abc!")
        #expect(doc.text == "abc!")
    }

    @Test func overlayStandsInForTheFileOnDisk() throws {
        let site = try TestSite(["content/index.md": "---\ntitle: Home\n---\nSaved.\n"], theme: false)
        defer { site.remove() }
        try FileManager.default.createDirectory(at: site.url("theme/templates"), withIntermediateDirectories: true)
        let root = site.root
        let content = site.content
        let page = site.url("content/index.md")
        var overlay = SourceOverlay()
        overlay[path: page.path] = "---\ntitle: Home\n---\nUnsaved \u{2014} edited.\r\n"
        let read = SiteSources.read(content: content, theme: root.appendingPathComponent("theme"), output: nil, workingDirectory: root, overlay: overlay)
        #expect(read.pages.first?.text == "---\ntitle: Home\n---\nUnsaved \u{2014} edited.\n")
        let plain = SiteSources.read(content: content, theme: root.appendingPathComponent("theme"), output: nil, workingDirectory: root)
        #expect(plain.pages.first?.text == "---\ntitle: Home\n---\nSaved.\n")
        overlay[path: page.path] = "---\ntitle: Home\n---\nAgain.\n"
        let updated = plain.updated(changed: [page.path], content: content, theme: root.appendingPathComponent("theme"), workingDirectory: root, overlay: overlay)
        #expect(updated?.pages.first?.text == "---\ntitle: Home\n---\nAgain.\n")
    }
}
