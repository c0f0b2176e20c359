import Foundation

/// Content rules for a medical site: page schemas (`schema.*`), medical review (`review.*`),
/// required notices (`notice.missing`) and wording (`wording.*`). The rules come from
/// `content/_schemas.yaml` and `content/_wording.yaml`; docs/content-rules.md explains them all.
public struct ContentRules: Sendable {
    var schema: SchemaSet
    var wording: WordingRules

    /// The data files the rules read, by name.
    public static let schemaFileName = "_schemas.yaml"
    public static let wordingFileName = "_wording.yaml"

    init(schema: SchemaSet = .builtIn, wording: WordingRules = WordingRules()) {
        self.schema = schema
        self.wording = wording
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
        // A misspelt name would silently turn the rules off.
        for (name, file) in dataFiles where name != schemaFileName && name != wordingFileName {
            if let near = Suggest.nearest(name, in: [schemaFileName, wordingFileName], maxDistance: 2) {
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
        let schema = self.schema
        return { assembled in
            let (name, origin) = schema.typeName(of: assembled.page)
            let type = schema.type(named: name) ?? schema.type(named: SchemaSet.baseType)!
            let page = RulePage(assembled: assembled, typeName: name, origin: origin, type: type)
            return schemaCheck.check(page) + review.check(page) + notices.check(page) + wording.check(page)
        }
    }
}
