import Foundation
import Testing

@testable import SiteMarkdown

/// Issue 14: a link is reported where it starts (its `[`, or the `!` of an image), on its own
/// line, even when its text spans lines (cmark-gfm gives the line of its `]`).
@Suite struct LinkStartPositionTests {
    @Test(arguments: [
        ("Some text with [a link that\nspans two lines](missing.md) and more.\n", [LineColumn(line: 1, column: 16)]),
        ("A second ![an image\nalt](nope.png) here.\n", [LineColumn(line: 1, column: 10)]),
        ("Third [one](x.md) line, then\nanother [two\n*three* lines](y.md) and <https://a.b/> end.\n",
         [LineColumn(line: 1, column: 7), LineColumn(line: 2, column: 9), LineColumn(line: 3, column: 26)]),
        ("> A quote [across\n> lines](q.md).\n", [LineColumn(line: 1, column: 11)]),
        ("- An item [across\n  lines](l.md)\n", [LineColumn(line: 1, column: 11)]),
        ("[one\ntwo\nthree](t.md)\n", [LineColumn(line: 1, column: 1)]),
    ])
    func linksAreAtTheirStart(source: String, positions: [LineColumn]) {
        #expect(MarkdownRenderer.render(source).links.map(\.position) == positions)
    }
}
