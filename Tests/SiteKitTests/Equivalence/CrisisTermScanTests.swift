import Foundation
import Testing

@testable import SiteKit
import SiteMarkdown

/// Crisis terms are found by a byte-pair scan, once per page as it is rendered; that must find
/// what a plain search finds, and the flag must skip only pages where nothing could be found.
@Suite struct CrisisTermScanTests {
    /// The byte-pair scan finds a term exactly where a plain case-insensitive search does: at the
    /// start, at the end, in any ASCII case, beside near misses and non-ASCII text.
    @Test func theScanAgreesWithAPlainSearch() {
        let pieces = ["", "s", "S", "su", "Su", "sUICID", "suicid", "SUICIDE", "self", "self-harm", "Self Harm", "self_harm", "kill", "KILL MYSELF",
                      "kill  myself", "end my life", "End My Life", "en", "e", "é", "ß", " ", "-", "x", "\u{0301}", "suici", "self-har"]
        var checked = 0
        for a in pieces {
            for b in pieces {
                for c in ["", "s", "e", "life", " harm", "ide"] {
                    let text = a + b + c
                    let lowered = Array(text.utf8).map(ByteSearch.lower)
                    let expected = CrisisDetector.termBytes.contains { term in
                        lowered.count >= term.count && (0...(lowered.count - term.count)).contains { Array(lowered[$0..<($0 + term.count)]) == term }
                    }
                    var copy = text
                    #expect(copy.withUTF8 { CrisisDetector.containsTerm($0) } == expected, "\(text.debugDescription)")
                    checked += 1
                }
            }
        }
        #expect(checked == pieces.count * pieces.count * 6)
    }

    /// `crisisTermInBody` (found once as the page is rendered) only lets the template and the
    /// crisis-notice rule skip pages where neither could find anything: on bodies with and
    /// without terms, in several blocks, headings, lists and tables, both give what they give
    /// when told nothing.
    @Test func theBodyFlagSkipsOnlyPagesWithoutATerm() throws {
        var ignored: [Diagnostic] = []
        let bodies = [
            "A calm page.\n", "# Suicide\n\nText.\n", "Para one.\n\nPara two about self-harm.\n", "- kill\n- myself\n",
            "| a | b |\n| - | - |\n| end my | life |\n", "Call 988 (the 988 Suicide & Crisis Lifeline).\n", "SUICIDAL thoughts\n",
            "Self\nharm across a line.\n", "`suicide` in code.\n", "    indented suicide code\n", "Café, self harm.\n",
        ]
        var flagged = 0
        for body in bodies {
            let (loaded, _) = PageLoader.load(SourceFile(relativePath: "a.md", displayPath: "content/a.md", text: "---\ntitle: A\n---\n" + body))
            let page = try #require(loaded)
            let rendered = PageRenderer(
                index: SiteIndex(pages: [page], drafts: [], diagnostics: &ignored), shortcodes: ShortcodeExpander(prices: PriceCatalog(), lists: DataLists(), settings: SiteSettings()),
                options: MarkdownOptions()
            ).render(page)
            #expect(rendered.crisisTermInBody == CrisisDetector.anyTerm(in: rendered.body))
            if rendered.crisisTermInBody { flagged += 1 }
            let assembled = AssembledPage(rendered: rendered, html: "<p>x</p>", chrome: HTMLFacts(), rawBodyIDs: [], template: "page", diagnostics: [])
            let mention = NoticeCheck.crisisMention(in: PageText(assembled))
            #expect(rendered.crisisTermInBody || (mention == nil && !CrisisDetector.mentionsCrisis(rendered.body)), "\(body)")
        }
        #expect(flagged >= 6 && flagged < bodies.count)
    }
}
