import Testing

@testable import SiteKit

/// The one HTML escape and its inverse.
@Suite struct EscapeTests {
    @Test func unescapeReadsBackWhatTheEscapeWrites() {
        for text in ["", "plain", "a & b", "<b>\"x\" & 'y'</b>", "&amp;", "&lt;script&gt;", "é — 🧠 & <", "&&;&#39"] {
            #expect(Escape.unescapeHTML(Escape.html(text)) == text)
        }
    }

    @Test func unescapeIsOnePass() {
        // Read twice, `&amp;lt;` would become `<`.
        #expect(Escape.unescapeHTML("&amp;lt;b&amp;gt;") == "&lt;b&gt;")
        #expect(Escape.unescapeHTML("it&#x27;s &quot;so&quot;") == "it's \"so\"")
        // References the build never writes are left as they are.
        #expect(Escape.unescapeHTML("&nbsp;&copy;&#233;&") == "&nbsp;&copy;&#233;&")
    }
}
