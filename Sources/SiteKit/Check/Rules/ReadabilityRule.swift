import Foundation
import SiteMarkdown

/// Plain language, measured (`readability.grade`): the Flesch-Kincaid grade of each page's prose,
/// and of each very long sentence, against limits per type of page from
/// `content/_readability.yaml` (none without that file). Patient materials should read at or
/// below grade 8 (AMA, NIH); the clinic's file says so, and lets its page for clinicians go higher.
struct ReadabilityRules: Sendable {
    /// The limits of one type of page (or the defaults).
    struct Limits: Sendable, Hashable {
        /// The grade the page's prose as a whole may reach.
        var maxGrade: Double
        /// A sentence of at least this many words is graded on its own...
        var longSentenceWords: Int
        /// ...and may reach this grade.
        var longSentenceMaxGrade: Double
    }

    static let code = "readability.grade"
    static let fileName = "_readability.yaml"
    static let keys = ["max_grade", "long_sentence", "severity", "types"]
    static let typeKeys = ["max_grade", "long_sentence"]
    static let sentenceKeys = ["words", "max_grade"]

    /// False for a site without `_readability.yaml`: no readability check.
    var enabled = false
    var defaults = Limits(maxGrade: 8, longSentenceWords: 25, longSentenceMaxGrade: 12)
    /// Limits of the types that set their own, by type name (where they are declared, for checks).
    var types: [String: (limits: Limits, position: SourcePosition)] = [:]
    var severity = Diagnostic.Severity.warning
    var file: String?

    /// The limits of a page: of the first type in its chain (the type, what it extends, `page`)
    /// that sets its own, else the defaults.
    func limits(for chain: [String]) -> Limits {
        for name in chain { if let own = types[name] { return own.limits } }
        return defaults
    }

    // MARK: Reading _readability.yaml

    static func load(_ file: SourceFile) -> (ReadabilityRules, [Diagnostic]) {
        var reader = DataFileReader(file)
        var rules = ReadabilityRules()
        rules.file = file.displayPath
        guard let root = reader.root(describing: "max_grade: 8, long_sentence: …, types: …") else { return (rules, reader.diagnostics) }
        rules.enabled = true
        reader.checkKeys(of: root, allowed: keys, in: file.relativePath)
        rules.defaults = readLimits(root, over: rules.defaults, in: file.relativePath, reader: &reader)
        if let value = root["severity"], let text = reader.text(value, "'severity'") {
            if let s = Diagnostic.Severity(rawValue: text) {
                rules.severity = s
            } else {
                let near = Suggest.nearest(text, in: ["error", "warning", "note"])
                reader.invalid(
                    value.position, "'severity' must be error, warning or note, not '\(text)'",
                    suggestion: near.map { "did you mean '\($0)'?" }, fix: .renaming(text, at: value.position, to: near))
            }
        }
        if let types = root["types"] {
            switch types.kind {
            case .null: break
            case .mapping(let entries):
                for entry in entries {
                    guard case .mapping = entry.value.kind else {
                        reader.invalid(
                            entry.value.position, "the limits of the type '\(entry.key)' must be a set of keys (max_grade: 10), not \(entry.value.typeName)")
                        continue
                    }
                    reader.checkKeys(of: entry.value, allowed: typeKeys, in: "the type '\(entry.key)'")
                    let limits = readLimits(entry.value, over: rules.defaults, in: "the type '\(entry.key)'", reader: &reader)
                    rules.types[entry.key] = (limits, entry.keyPosition)
                }
            default:
                reader.invalid(types.position, "'types' must map a page type to its limits (providers: {max_grade: 12}), not \(types.typeName)")
            }
        }
        return (rules, reader.diagnostics)
    }

    private static func readLimits(_ value: YAMLValue, over base: Limits, in context: String, reader: inout DataFileReader) -> Limits {
        var limits = base
        if let grade = value["max_grade"], let g = number(grade, "max_grade of \(context)", reader: &reader) { limits.maxGrade = g }
        if let sentence = value["long_sentence"] {
            if case .mapping = sentence.kind {
                reader.checkKeys(of: sentence, allowed: sentenceKeys, in: "long_sentence of \(context)")
                if let words = sentence["words"] {
                    if case .int(let n) = words.kind, n > 0 {
                        limits.longSentenceWords = n
                    } else {
                        reader.invalid(words.position, "'words' must be a whole number above 0 (long_sentence: {words: 25})")
                    }
                }
                if let grade = sentence["max_grade"], let g = number(grade, "long_sentence max_grade of \(context)", reader: &reader) {
                    limits.longSentenceMaxGrade = g
                }
            } else {
                reader.invalid(sentence.position, "'long_sentence' must be a set of keys (words: 25, max_grade: 12), not \(sentence.typeName)")
            }
        }
        return limits
    }

    private static func number(_ value: YAMLValue, _ what: String, reader: inout DataFileReader) -> Double? {
        switch value.kind {
        case .int(let i) where i > 0: return Double(i)
        case .double(let d) where d > 0: return d
        default:
            reader.invalid(value.position, "\(what) must be a grade above 0, such as 8 or 8.5")
            return nil
        }
    }

    /// Types the file sets limits for that the schema does not declare (a misspelt name would
    /// silently leave a page at the default).
    func unknownTypes(in schema: SchemaSet) -> [Diagnostic] {
        guard schema.typesAreDeclared else { return [] }
        return types.keys.sorted().compactMap { name -> Diagnostic? in
            guard schema.types[name] == nil, let at = types[name]?.position else { return nil }
            let near = SchemaSet.didYouMean(name, in: schema.typeNames, at: at)
            return .error("rules.invalid", at: at, "there is no page type '\(name)' in _schemas.yaml", suggestion: near.suggestion, fix: near.fix)
        }
    }

    // MARK: Checking a page

    /// The prose the rule grades: paragraphs and list items of the body (not headings, table rows,
    /// code, or the front matter).
    static func prose(_ text: PageText) -> [(unit: PageText.Unit, block: TextBlock)] {
        text.units[text.firstBlock...].compactMap { unit in
            guard case .block(let block) = unit.origin, block.kind == .paragraph else { return nil }
            return (unit, block)
        }
    }

    /// A paragraph needs this many words for its own grade to mean something, when the page's
    /// grade is reported at its hardest paragraph.
    static let paragraphWords = 20

    func check(_ page: RulePage) -> [Diagnostic] {
        guard enabled, !page.assembled.html.isEmpty else { return [] }
        let limits = limits(for: page.type.chain)
        let blocks = Self.prose(page.text)
        guard !blocks.isEmpty else { return [] }
        var total = Readability.Counts()
        var hardest: (block: TextBlock, counts: Readability.Counts)?
        var longest: (block: TextBlock, counts: Readability.Counts)?
        var result: [Diagnostic] = []
        let typeName = page.type.name
        for (_, block) in blocks {
            let sentences = Readability.sentences(of: block.text)
            let counts = sentences.reduce(Readability.Counts()) { $0 + $1.counts }
            total = total + counts
            if counts.words >= Self.paragraphWords, counts.grade > (hardest?.counts.grade ?? -.infinity) { hardest = (block, counts) }
            if counts.words > (longest?.counts.words ?? 0) { longest = (block, counts) }
            for sentence in sentences where sentence.counts.words >= limits.longSentenceWords && sentence.counts.grade > limits.longSentenceMaxGrade {
                let at = block.position(atUTF8Offset: sentence.start + leadingSpace(block.text, from: sentence.start))
                result.append(
                    Diagnostic(
                        severity, Self.code, at: SourcePosition(file: page.file, line: at.line, column: at.column),
                        "this sentence of \(sentence.counts.words) words reads at grade \(Readability.format(sentence.counts.grade)) (Flesch-Kincaid), above the limit of \(Readability.format(limits.longSentenceMaxGrade)) for a long sentence on pages of type '\(typeName)'",
                        suggestion: "split it into two or three sentences of about 15 words, one idea each (limits: \(file ?? Self.fileName))"))
            }
        }
        if total.grade > limits.maxGrade, let hardest = hardest ?? longest {
            let at = hardest.block.position(atUTF8Offset: 0)
            result.append(
                Diagnostic(
                    severity, Self.code, at: SourcePosition(file: page.file, line: at.line, column: at.column),
                    "this page reads at grade \(Readability.format(total.grade)) (Flesch-Kincaid), above the limit of \(Readability.format(limits.maxGrade)) for pages of type '\(typeName)'; its hardest paragraph, here, reads at grade \(Readability.format(hardest.counts.grade))",
                    suggestion: "use shorter sentences (15 to 20 words) and everyday words (\"use\" for \"utilize\", \"help\" for \"facilitate\"), starting with this paragraph (limits: \(file ?? Self.fileName))"))
        }
        return result
    }

    private func leadingSpace(_ text: String, from offset: Int) -> Int {
        var n = 0
        let bytes = Array(text.utf8)
        while offset + n < bytes.count, bytes[offset + n] == UInt8(ascii: " ") || bytes[offset + n] == UInt8(ascii: "\n") { n += 1 }
        return n
    }
}
