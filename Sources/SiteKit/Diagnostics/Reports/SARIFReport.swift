import Foundation
import SiteMarkdown

/// SARIF 2.1.0 for code scanning (GitHub's, and any SARIF viewer): one run, one rule per code of
/// `DiagnosticRules`, one result per diagnostic, with its fix where the check knows it exactly.
/// Encoded with JSONEncoder (sorted keys), so the same diagnostics give the same bytes.
struct SARIFReport {
    var context: ReportContext
    var lines: ReportLines

    func render(_ diagnostics: [Diagnostic]) -> String {
        let rules = DiagnosticRules.rules(for: diagnostics)
        var ruleIndex: [String: Int] = [:]
        for (i, rule) in rules.enumerated() { ruleIndex[rule.code] = i }
        let fingerprints = Fingerprint.all(diagnostics, lines: lines)
        let results = zip(diagnostics, fingerprints).map { d, fingerprint in
            Result(
                ruleId: d.code, ruleIndex: ruleIndex[d.code]!, level: Self.level(d.severity),
                message: Message(text: d.suggestion.map { "\(d.message)\nhelp: \($0)" } ?? d.message),
                locations: [Location(physicalLocation: PhysicalLocation(artifactLocation: artifact(d.position.file), region: region(d)))],
                partialFingerprints: ["clinicSite/v1": fingerprint],
                fixes: d.fix.map { fix in
                    [
                        SARIFFix(
                            description: Message(text: fix.title),
                            artifactChanges: [
                                ArtifactChange(
                                    artifactLocation: artifact(d.position.file),
                                    replacements: [Replacement(deletedRegion: region(fix, in: d.position.file), insertedContent: Content(text: fix.replacement))])
                            ])
                    ]
                })
        }
        let log = Log(
            runs: [
                Run(
                    tool: Tool(
                        driver: Driver(
                            version: ReportContext.toolVersion, informationUri: context.repositoryURL,
                            rules: rules.map { rule in
                                Rule(
                                    id: rule.code, name: rule.code, shortDescription: Message(text: rule.summary), helpUri: helpURI(rule.helpPath),
                                    defaultConfiguration: Configuration(level: Self.level(rule.level)),
                                    properties: RuleProperties(tags: [rule.family.name]))
                            })),
                    results: results)
            ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(log)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func level(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .note: return "note"
        }
    }

    func helpURI(_ path: String) -> String {
        guard let repo = context.repositoryURL else { return path }
        return "\(repo)/blob/\(context.revision ?? "HEAD")/\(path)"
    }

    func artifact(_ file: String) -> ArtifactLocation {
        ArtifactLocation(uri: file.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }.joined(separator: "/"), uriBaseId: "%SRCROOT%")
    }

    /// A region for a position: the start line and column; a line alone without a column; none
    /// without a line (SARIF then means the whole file).
    func region(_ position: SourcePosition) -> Region? {
        guard position.line > 0 else { return nil }
        return Region(startLine: position.line, startColumn: position.column > 0 ? lines.utf16Column(position) : nil)
    }

    /// The diagnostic's region, with its end where a fix starting at it tells the problem's extent.
    func region(_ d: Diagnostic) -> Region? {
        guard var region = region(d.position) else { return nil }
        if let fix = d.fix, fix.start == LineColumn(line: d.position.line, column: d.position.column) {
            let end = SourcePosition(file: d.position.file, line: fix.end.line, column: fix.end.column)
            region.endLine = end.line
            region.endColumn = lines.utf16Column(end)
        }
        return region
    }

    func region(_ fix: Fix, in file: String) -> Region {
        let start = SourcePosition(file: file, line: fix.start.line, column: fix.start.column)
        let end = SourcePosition(file: file, line: fix.end.line, column: fix.end.column)
        return Region(startLine: start.line, startColumn: lines.utf16Column(start), endLine: end.line, endColumn: lines.utf16Column(end))
    }

    struct Log: Encodable {
        var version = "2.1.0"
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var runs: [Run]
        enum CodingKeys: String, CodingKey {
            case version, runs
            case schema = "$schema"
        }
    }
    struct Run: Encodable {
        var tool: Tool
        var originalUriBaseIds = ["%SRCROOT%": OriginalBase()]
        var columnKind = "utf16CodeUnits"
        var results: [Result]
    }
    struct OriginalBase: Encodable {
        var description = Message(text: "The repository root: the folder clinic-site ran in.")
    }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name = "clinic-site"
        var version: String
        var informationUri: String?
        var rules: [Rule]
    }
    struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Message
        var helpUri: String
        var defaultConfiguration: Configuration
        var properties: RuleProperties
    }
    struct RuleProperties: Encodable { var tags: [String] }
    struct Configuration: Encodable { var level: String }
    struct Message: Encodable { var text: String }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
        var partialFingerprints: [String: String]
        var fixes: [SARIFFix]?
    }
    struct Location: Encodable { var physicalLocation: PhysicalLocation }
    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region?
    }
    struct ArtifactLocation: Encodable {
        var uri: String
        var uriBaseId: String
    }
    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int?
        var endLine: Int?
        var endColumn: Int?
    }
    struct SARIFFix: Encodable {
        var description: Message
        var artifactChanges: [ArtifactChange]
    }
    struct ArtifactChange: Encodable {
        var artifactLocation: ArtifactLocation
        var replacements: [Replacement]
    }
    struct Replacement: Encodable {
        var deletedRegion: Region
        var insertedContent: Content
    }
    struct Content: Encodable { var text: String }
}
