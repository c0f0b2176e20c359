import Foundation
import SiteKit
import Testing
import TestSupport

@testable import SiteServer

/// The preview's error overlay and pages escape by Unicode scalar (issue 13, item 1): a `<` in
/// one grapheme cluster with a prepended concatenation mark before it and a combining mark after
/// it introduces no element, attribute or comment.
@Suite struct OverlayEscapingTests {
    static let hostile = "\u{0600}<img src=/favicon.svg onload=alert(1)>\u{0301} \u{0600}\"><b>\u{0301} \u{0600}<!--\u{0301} \u{200F}<i>\u{200D}"

    @Test func overlayAndErrorPageIntroduceNoMarkup() {
        let hostile = Self.hostile
        let error = Diagnostic.error("x.y", at: .init(file: "content/\(hostile).md", line: 2, column: 3), "bad \(hostile)", suggestion: "use \(hostile)")
        let overlay = ErrorOverlay(errors: [error], warningCount: 1, sourceLine: { _ in "title: \(hostile)" })
        let plain = ErrorOverlay(
            errors: [.error("x.y", at: .init(file: "content/a.md", line: 2, column: 3), "bad", suggestion: "use")], warningCount: 1,
            sourceLine: { _ in "title: a" })
        for (got, expected) in [(overlay.page(), plain.page()), ("<!DOCTYPE html><body>" + overlay.overlay(), "<!DOCTYPE html><body>" + plain.overlay())] {
            let difference = HTMLOutline(document: got).structure.difference(from: HTMLOutline(document: expected).structure)
            #expect(difference.isEmpty, "\(Array(difference))")
        }
        #expect(HTMLOutline(document: overlay.page()).text(inFirst: "pre") == "title: \(hostile)")
    }

    @Test func liveReloadTagEscapesItsToken() {
        let tag = LiveReload.scriptTag(token: Self.hostile)
        let outline = HTMLOutline(document: "<!DOCTYPE html><body>" + tag)
        #expect(outline.elements("script").count == 1)
        #expect(outline.elements("script").first?.first { $0.name == "data-token" }?.value == Self.hostile)
        #expect(outline.elements("img").isEmpty && outline.elements("b").isEmpty)
    }
}
