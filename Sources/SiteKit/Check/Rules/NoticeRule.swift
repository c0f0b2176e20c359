import Foundation
import SiteMarkdown

/// A notice a page must show, checked in the page's final HTML (theme included), so that it counts
/// wherever it comes from: the page, a shortcode or the template (`notice.missing`).
struct NoticeRule: Sendable {
    struct Requirement: Sendable {
        var pattern: Pattern
        /// What the notice lacks when the pattern is not found, for the message.
        var missing: String
    }

    let id: String
    /// What the notice is, for the message.
    let title: String
    let requirements: [Requirement]
    let suggestion: String
    let source: String

    /// The No Surprises Act notice of the right to a Good Faith Estimate, for people without
    /// insurance or not using it (45 CFR 149.610). Required on pages of a type that lists it in
    /// `notices:` (the clinic's `pricing` type).
    static let goodFaithEstimate = NoticeRule(
        id: "good-faith-estimate",
        title: "the No Surprises Act notice of the right to a Good Faith Estimate",
        requirements: [
            Requirement(
                pattern: compiled(#"\bright\b[^.!?]{0,80}?\bgood[-\s]faith\s+estimates?\b|\bgood[-\s]faith\s+estimates?\b[^.!?]{0,80}?\bright\b"#),
                missing: "the right to a Good Faith Estimate"),
            Requirement(pattern: compiled(#"\bNo\s+Surprises?\s+Act\b|cms\.gov/nosurprises"#), missing: "the No Surprises Act"),
            Requirement(
                pattern: compiled(
                    #"\buninsured\b|\bself[-\s]pay\b|\b(?:do not|don['’]t|does not|doesn['’]t)\s+have\s+(?:health\s+)?insurance\b|\bnot\s+(?:to\s+)?(?:be\s+)?us(?:e|ing)\s+(?:your\s+|their\s+|it\b)|\bpay(?:ing)?\s+for\s+(?:your|their)\s+own\s+care\b|\bwithout\s+(?:health\s+)?insurance\b"#
                ),
                missing: "who it is for (people without insurance, or not using it)"),
            // What the federal standard notice also tells people (CMS, "Right to Receive a Good
            // Faith Estimate of Expected Charges"): when it is given, the $400 threshold, the
            // right to dispute, and where to learn more.
            Requirement(pattern: compiled(#"\bschedul"#), missing: "that the estimate is given when you schedule care (or ask for it)"),
            Requirement(
                pattern: compiled(#"\bat\s+least\s+(?:US)?\$\s?400\b|(?:US)?\$\s?400\s+or\s+more\b"#),
                missing: "the threshold (a bill at least $400 more than the estimate)"),
            Requirement(pattern: compiled(#"\bdisput"#), missing: "that you can dispute such a bill"),
            Requirement(pattern: compiled(#"cms\.gov/nosurprises"#), missing: "where to learn more (cms.gov/nosurprises)"),
            Requirement(pattern: compiled(#"\b1[-\s.]?800[-\s.]?985[-\s.]?3059\b"#), missing: "the federal help line (1-800-985-3059)"),
        ],
        suggestion: "add a section such as \"Your right to a Good Faith Estimate\": under the No Surprises Act, if you do not have insurance or are not using it, you have the right to a Good Faith Estimate of the expected charges, given in writing when you schedule care or ask for it; if your bill is at least $400 more than the estimate, you can dispute it; to learn more, visit www.cms.gov/nosurprises or call 1-800-985-3059",
        source: "https://www.cms.gov/nosurprises")

    /// Crisis help: the 988 Suicide & Crisis Lifeline. Required on every page that mentions suicide
    /// or self-harm (as the theme's `page.mentions_crisis` decides), and on pages of a type that
    /// lists it in `notices:`.
    static let crisisLine = NoticeRule(
        id: "crisis-line",
        title: "crisis help (the 988 Suicide & Crisis Lifeline)",
        requirements: [Requirement(pattern: compiled(#"\b988\b"#), missing: "the number 988")],
        suggestion: "the theme shows the crisis notice on pages that mention suicide (page.mentions_crisis); check the page's template, or add to the page: \"If you are thinking about suicide, call or text 988, the 988 Suicide & Crisis Lifeline\"",
        source: "https://988lifeline.org/")

    /// The HIPAA Notice of Privacy Practices: a covered entity with a website about its services
    /// must post it there prominently (45 CFR 164.520(c)(3)(i)). Required on pages of a type that
    /// lists it (the clinic's base type `page`, so every page, through the footer's link).
    static let privacyPractices = NoticeRule(
        id: "privacy-practices",
        title: "the way to the clinic's Notice of Privacy Practices",
        requirements: [Requirement(pattern: compiled(#"\bNotice\s+of\s+Privacy\s+Practices\b"#), missing: "'Notice of Privacy Practices'")],
        suggestion: "set privacy_url: /privacy/ in content/_site.yaml (the clinic's footer then links to \"Notice of Privacy Practices\" on every page), and keep the notice, or its placeholder marked unconfirmed, in content/privacy.md",
        source: "45 CFR 164.520(c)(3)(i), https://www.ecfr.gov/current/title-45/section-164.520")

    static let all = [goodFaithEstimate, crisisLine, privacyPractices]
    static let ids = all.map(\.id)

    static func named(_ id: String) -> NoticeRule? { all.first { $0.id == id } }

    private static func compiled(_ source: String) -> Pattern {
        guard case .success(let pattern) = Pattern.compile(source) else { fatalError("built-in pattern does not compile: \(source)") }
        return pattern
    }

    /// What the page's visible text lacks of this notice (empty when it is all there).
    func missingParts(in text: String) -> [String] {
        requirements.filter { !$0.pattern.hasMatch(in: text) }.map(\.missing)
    }
}

/// Checks the notices a page must show (`notice.missing`).
struct NoticeCheck {
    func check(_ page: RulePage) -> [Diagnostic] {
        let assembled = page.assembled
        // No HTML: the template is missing or broken, which the build reports already.
        guard !assembled.html.isEmpty else { return [] }
        var needed: [(NoticeRule, SourcePosition, String)] = []
        let typeAt: SourcePosition
        if case .frontMatter(let at) = page.origin { typeAt = at } else { typeAt = page.start }
        for id in page.type.notices {
            guard let rule = NoticeRule.named(id) else { continue }
            needed.append((rule, typeAt, "pages of type '\(page.type.name)' must show \(rule.title)"))
        }
        if assembled.rendered.crisisTermInBody, let mention = Self.crisisMention(in: page.text), !needed.contains(where: { $0.0.id == NoticeRule.crisisLine.id }) {
            let at = SourcePosition(file: page.file, line: mention.position.line, column: mention.position.column)
            needed.append((NoticeRule.crisisLine, at, "this page mentions '\(mention.term)', so it must show \(NoticeRule.crisisLine.title)"))
        }
        guard !needed.isEmpty else { return [] }
        let visible = HTMLScanner.scan(assembled.html).texts.map(\.text).joined(separator: "\n")
        var result: [Diagnostic] = []
        for (rule, at, why) in needed {
            let missing = rule.missingParts(in: visible)
            guard !missing.isEmpty else { continue }
            result.append(
                .error(
                    "notice.missing", at: at, "\(why), but its HTML does not mention \(missing.joined(separator: ", nor "))",
                    suggestion: "\(rule.suggestion) (see \(rule.source))"))
        }
        return result
    }

    /// The words of the theme's crisis detector, as lowercase bytes.
    static let crisisTerms: [[UInt8]] = CrisisDetector.terms.map { Array($0.lowercased().utf8) }

    /// The first place the body speaks of suicide or self-harm, by the words the theme's crisis
    /// detector looks for, and the word found there ("suicidal").
    static func crisisMention(in text: PageText) -> (term: String, position: LineColumn)? {
        guard text.firstBlock < text.starts.count else { return nil }
        let bodyStart = text.starts[text.firstBlock]
        var first: (offset: Int, length: Int)?
        text.bytes.withUnsafeBufferPointer { all in
            let body = UnsafeBufferPointer(rebasing: all[bodyStart...])
            // One pass to rule out the common case (no term at all) before a search per term.
            guard CrisisDetector.containsTerm(body) else { return }
            for term in crisisTerms {
                if let offset = LiteralFilter.firstOffset(of: term, in: body), offset < (first?.offset ?? Int.max) {
                    first = (offset, term.count)
                }
            }
        }
        guard let (offset, length) = first else { return nil }
        let (index, inUnit) = text.unit(at: bodyStart + offset)
        guard case .block(let block) = text.units[index].origin else { return nil }
        // The whole word found: "suicidal" for "suicid".
        let start = block.text.utf8.index(block.text.utf8.startIndex, offsetBy: inUnit)
        var end = block.text.utf8.index(start, offsetBy: length)
        while end < block.text.endIndex, block.text[end].isLetter { end = block.text.index(after: end) }
        return (String(block.text[start..<end]), block.position(atUTF8Offset: inUnit))
    }
}
