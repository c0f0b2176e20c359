import Foundation
import SiteMarkdown

/// What the reports for CI need besides the diagnostics: the files checked (JUnit's test cases),
/// where the repository is browsed (links in the step summary), and the source lines (SARIF
/// columns, fingerprints).
public struct ReportContext: Sendable {
    /// The tool's version, in the SARIF report.
    public static let toolVersion = "1.0.0"

    /// Every page read, by the path diagnostics name it with.
    public var checkedFiles: [String]
    /// The repository's web address and the commit built (`https://github.com/o/r`, a SHA), for
    /// links to files; nil for links relative to the repository root.
    public var repositoryURL: String?
    public var revision: String?
    /// True when GitHub's step summary is written too (the annotations' notice points there).
    public var hasStepSummary: Bool

    public init(checkedFiles: [String] = [], repositoryURL: String? = nil, revision: String? = nil, hasStepSummary: Bool = false) {
        self.checkedFiles = checkedFiles
        self.repositoryURL = repositoryURL
        self.revision = revision
        self.hasStepSummary = hasStepSummary
    }

    /// The context GitHub Actions describes in its environment (`GITHUB_SERVER_URL`,
    /// `GITHUB_REPOSITORY`, `GITHUB_SHA`), or GitLab CI (`CI_PROJECT_URL`, `CI_COMMIT_SHA`).
    public static func fromEnvironment(_ env: [String: String], checkedFiles: [String], hasStepSummary: Bool) -> ReportContext {
        var context = ReportContext(checkedFiles: checkedFiles, hasStepSummary: hasStepSummary)
        if let server = env["GITHUB_SERVER_URL"], let repo = env["GITHUB_REPOSITORY"], !server.isEmpty, !repo.isEmpty {
            context.repositoryURL = server + "/" + repo
            context.revision = env["GITHUB_SHA"]
        } else if let project = env["CI_PROJECT_URL"], !project.isEmpty {
            context.repositoryURL = project + "/-"
            context.revision = env["CI_COMMIT_SHA"]
        }
        return context
    }

    /// A link to `position` in the repository (the file at its line), or the path alone.
    public func link(to position: SourcePosition) -> String {
        let path = position.file.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }.joined(separator: "/")
        guard let repositoryURL, let revision, !revision.isEmpty else { return path }
        let line = position.line > 0 ? "?plain=1#L\(position.line)" : ""
        return "\(repositoryURL)/blob/\(revision)/\(path)\(line)"
    }
}

/// The source lines that reports quote: read once per file, on demand.
final class ReportLines {
    let sourceText: (String) -> String?
    private var files: [String: LineLocator?] = [:]

    init(_ sourceText: @escaping (String) -> String?) { self.sourceText = sourceText }

    /// Line `position.line` of its file, without its line end; nil when unknown.
    func line(at position: SourcePosition) -> Substring? {
        guard position.line > 0 else { return nil }
        if files.index(forKey: position.file) == nil {
            files[position.file] = .some(sourceText(position.file).map { LineLocator($0) })
        }
        guard let lines = files[position.file] ?? nil, let line = lines.line(position.line) else { return nil }
        return line.last == "\r" ? line.dropLast() : line
    }

    /// The column of `position` (UTF-8 bytes) in UTF-16 code units, as SARIF counts by default.
    func utf16Column(_ position: SourcePosition, byteColumn: Int? = nil) -> Int {
        let column = byteColumn ?? position.column
        guard column > 1, let line = line(at: position) else { return column }
        let prefix = line.utf8.prefix(column - 1)
        guard prefix.count == column - 1 else { return column }
        return String(decoding: prefix, as: UTF8.self).utf16.count + 1
    }
}

/// Fingerprints that stay the same when lines are added above a problem: a hash of the code, the
/// file, the text of the problem's line (trimmed) and the message with its line numbers taken out,
/// and how many identical problems come before it in the report.
enum Fingerprint {
    static func all(_ diagnostics: [Diagnostic], lines: ReportLines) -> [String] {
        var seen: [UInt64: Int] = [:]
        return diagnostics.map { d in
            let text = lines.line(at: d.position).map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let key = [d.code, d.position.file, text, normalized(d.message)].joined(separator: "\u{0}")
            let hash = fnv1a(key)
            let occurrence = seen[hash, default: 0] + 1
            seen[hash] = occurrence
            return String(format: "%016llx", hash) + ":\(occurrence)"
        }
    }

    /// The message without the line and column numbers of the places it names (`pricing.md:7`).
    static func normalized(_ message: String) -> String {
        var out = ""
        var afterColon = false
        for c in message {
            if afterColon, c.isASCII, c.isNumber { continue }
            afterColon = c == ":"
            out.append(c)
        }
        return out
    }

    /// 64-bit FNV-1a: stable across runs and machines (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ s: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
