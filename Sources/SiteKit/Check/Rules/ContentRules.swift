import Foundation

/// Content rules for a medical site: page schemas (`schema.*`), medical review (`review.*`),
/// required notices (`notice.missing`), wording (`wording.*`) and readability (`readability.grade`).
/// The rules come from `content/_schemas.yaml`, `content/_wording.yaml` and `content/_readability.yaml`; docs/content-rules.md explains them all.
public struct ContentRules: Sendable {
    var schema: SchemaSet
    var wording: WordingRules
    var readability: ReadabilityRules

    /// The data files the rules read, by name.
    public static let schemaFileName = "_schemas.yaml"
    public static let wordingFileName = "_wording.yaml"
    public static let readabilityFileName = ReadabilityRules.fileName
    static var fileNames: [String] { [schemaFileName, wordingFileName, readabilityFileName] }

    init(schema: SchemaSet = .builtIn, wording: WordingRules = WordingRules(), readability: ReadabilityRules = ReadabilityRules()) {
        self.schema = schema
        self.wording = wording
        self.readability = readability
    }

    /// Reads the rules from the data files at the top of `content/` (by file name). Without
    /// `_schemas.yaml` the built-in schema applies; without `_wording.yaml` there are no wording rules.
    public static func load(_ dataFiles: [String: SourceFile]) -> (ContentRules, [Diagnostic]) {
        var rules = ContentRules()
        var diagnostics: [Diagnostic] = []
        if let file = dataFiles[schemaFileName] {
            let (schema, found) = SchemaSet.load(file)
            rules.schema = schema
            diagnostics += found
        }
        if let file = dataFiles[wordingFileName] {
            let (wording, found) = WordingRules.load(file)
            rules.wording = wording
            diagnostics += found
        }
        if let file = dataFiles[readabilityFileName] {
            let (readability, found) = ReadabilityRules.load(file)
            rules.readability = readability
            diagnostics += found + readability.unknownTypes(in: rules.schema)
            if Hyphenation.shared.dictionary == nil {
                diagnostics.append(
                    .warning(
                        "readability.no-dictionary", at: SourcePosition(file: file.displayPath),
                        "the US English hyphenation patterns (hyph_en_US.dic) are not installed, so syllables are estimated from vowels and grades may be off by a grade or more",
                        suggestion: "install them: bash scripts/install-deps.sh (Debian's hyphen-en-us), or set CLINIC_SITE_HYPHEN_DIC to the file"))
            }
        }
        // A misspelt name would silently turn the rules off.
        for (name, file) in dataFiles where !fileNames.contains(name) {
            if let near = Suggest.nearest(name, in: fileNames, maxDistance: 2) {
                diagnostics.append(
                    .warning(
                        "rules.unknown-file", at: SourcePosition(file: file.displayPath),
                        "the build does not read '\(name)'", suggestion: "did you mean '\(near)'?"))
            }
        }
        return (rules, diagnostics)
    }

    /// Checks every page against the rules.
    /// - Parameter today: "YYYY-MM-DD", the day a medical review's age is measured to.
    public func check(_ pages: [AssembledPage], today: String) -> [Diagnostic] {
        let one = pageChecker(today: today)
        return pages.parallelMap(one).flatMap { $0 }
    }

    /// Checks one page at a time (the build runs it as each page is assembled, so that the page's
    /// text can be dropped right after).
    public func pageChecker(today: String) -> @Sendable (AssembledPage) -> [Diagnostic] {
        let review = ReviewCheck(periodMonths: schema.reviewPeriodMonths, today: CalendarDate(today))
        let schemaCheck = SchemaCheck(schema: schema)
        let notices = NoticeCheck()
        let wording = self.wording
        let readability = self.readability
        let schema = self.schema
        return { assembled in
            let (name, origin) = schema.typeName(of: assembled.page)
            let type = schema.type(named: name) ?? schema.type(named: SchemaSet.baseType)!
            let page = RulePage(assembled: assembled, typeName: name, origin: origin, type: type)
            return schemaCheck.check(page) + review.check(page) + notices.check(page) + wording.check(page) + readability.check(page)
        }
    }
}
