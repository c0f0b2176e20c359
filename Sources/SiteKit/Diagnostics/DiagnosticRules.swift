/// What every diagnostic code means: its check family, a short description, its usual severity
/// and the section of the documentation that explains it. The one list of codes: the SARIF rules,
/// the JUnit test suites, the GitLab check names and the step summary all read it, and
/// `ReportFormatsTests` checks it against the codes table of docs/checks.md and the codes in the
/// sources.
public struct DiagnosticRule: Sendable, Hashable {
    public var code: String
    public var family: DiagnosticFamily
    public var summary: String
    public var level: Diagnostic.Severity

    /// The document and anchor that explain the code, relative to the repository root.
    public var helpPath: String { family.helpPath }
}

/// A group of checks, reported as one JUnit test suite.
public struct DiagnosticFamily: Sendable, Hashable, Comparable {
    /// The code prefix before the first dot (`link` for `link.missing-page`).
    public var prefix: String
    /// The suite's name: `links`, `prices`, …
    public var name: String
    public var helpPath: String

    public static func < (a: DiagnosticFamily, b: DiagnosticFamily) -> Bool { a.name < b.name }
}

public enum DiagnosticRules {
    static let readme = "docs/checks.md#codes"
    static let contentRules = "docs/content-rules.md"

    /// Every family, by code prefix.
    public static let families: [DiagnosticFamily] = [
        ("link", "links", readme), ("a11y", "accessibility", readme), ("price", "prices", readme), ("list", "lists", readme),
        ("data", "data", readme), ("shortcode", "shortcodes", readme), ("markdown", "markdown", readme),
        ("frontmatter", "front matter", readme), ("schema", "schemas", contentRules + "#1-page-schemas"),
        ("review", "review", contentRules + "#2-medical-review"), ("notice", "notices", contentRules + "#3-required-notices"),
        ("wording", "wording", contentRules + "#4-wording-rules"), ("rules", "rules files", contentRules + "#6-problems-in-the-data-files"),
        ("page", "pages", readme), ("output", "output", readme), ("template", "templates", readme), ("source", "sources", readme),
        ("settings", "settings", readme), ("io", "environment", readme),
        ("image", "images", readme), ("html", "html", readme), ("readability", "readability", contentRules + "#7-readability"),
    ].map { DiagnosticFamily(prefix: $0.0, name: $0.1, helpPath: $0.2) }

    static let familyByPrefix: [String: DiagnosticFamily] = Dictionary(uniqueKeysWithValues: families.map { ($0.prefix, $0) })

    /// Every code the build reports, with its usual severity (`--strict` and `--external-strict`
    /// raise some) and what it means. `wording.ID` codes come from `_wording.yaml` and are not here.
    public static let all: [DiagnosticRule] = [
        ("link.missing-page", "error", "a link to a page or Markdown file that does not exist"),
        ("link.missing-fragment", "error", "an #anchor that the target page does not have"),
        ("link.missing-asset", "error", "a link or image to a file that does not exist"),
        ("link.malformed", "error", "a malformed link destination"),
        ("link.unsafe-scheme", "error", "a javascript:, data: or other scheme not allowed in the settings"),
        ("link.draft", "error", "a published page links to a draft"),
        ("link.external-broken", "error", "an outside link answered with an HTTP error (--check-external)"),
        ("link.external-unreachable", "warning", "an outside link could not be reached (--check-external)"),
        ("a11y.missing-alt", "warning", "an image without alt text"),
        ("image.invalid", "error", "a file that is not a readable image, or one over the pixel limit"),
        ("image.too-large", "error", "an image file over the size limit in the settings"),
        ("image.svg-script", "error", "an SVG drawing that holds a script"),
        ("html.duplicate-id", "error", "an id given twice on one built page"),
        ("price.mismatch", "error", "an amount next to a priced item's name differs from its declared price"),
        ("price.unknown-amount", "error", "an amount that names no item and equals no declared price"),
        ("price.literal", "warning", "an amount typed by hand that equals a price: use {{price ID}}"),
        ("price.unknown-id", "error", "{{price ID}} or a bundle part with no such price"),
        ("price.bundle-total", "error", "a bundle's amount is not the sum of its parts"),
        ("price.unconfirmed", "warning", "a use of a price that is not confirmed yet"),
        ("price.invalid", "error", "malformed price data"),
        ("price.duplicate-id", "error", "two prices with one id"),
        ("price.duplicate-catalog", "error", "prices declared on more than one page"),
        ("list.unknown-id", "error", "{{list ID}} of a list that is not declared"),
        ("list.duplicate-id", "error", "two shared lists with one id"),
        ("list.invalid", "error", "a malformed shared list"),
        ("data.unconfirmed", "warning", "{{clinic KEY}} of a value marked unconfirmed"),
        ("shortcode.unknown", "error", "a shortcode the build does not know"),
        ("shortcode.unknown-key", "error", "a shortcode naming a key that does not exist"),
        ("shortcode.misplaced", "error", "a block shortcode that is not alone on its line"),
        ("markdown.too-deep", "error", "Markdown nested more than 100 levels deep"),
        ("markdown.raw-html-dropped", "warning", "raw HTML left out because allow_raw_html is off"),
        ("markdown.too-wide", "error", "a table of more than 100 columns, left out"),
        ("frontmatter.unclosed", "error", "front matter that is never closed"),
        ("frontmatter.invalid", "error", "front matter that is not valid YAML"),
        ("schema.missing-key", "error", "a key the page's type requires is missing or empty"),
        ("schema.type", "error", "a front-matter value of the wrong type"),
        ("schema.unknown-key", "warning", "a front-matter key the page's type does not know"),
        ("schema.unknown-type", "error", "a page type that is not declared"),
        ("review.pending", "warning", "a medical review marked pending"),
        ("review.overdue", "warning", "a medical review older than its type allows"),
        ("review.invalid", "error", "a review date or reviewer that cannot be read"),
        ("notice.missing", "error", "a notice the page's type requires is missing"),
        ("readability.grade", "error", "a page or long sentence above its Flesch-Kincaid grade limit"),
        ("readability.no-dictionary", "warning", "the hyphenation patterns are missing, so syllables are estimated"),
        ("rules.invalid", "error", "_schemas.yaml or _wording.yaml cannot be read or declares something impossible"),
        ("rules.unknown-key", "warning", "a key the rules files do not know"),
        ("rules.unknown-file", "warning", "a data file whose name is close to a rules file the build reads"),
        ("page.duplicate-url", "error", "two pages claiming one URL"),
        ("page.bad-slug", "error", "a slug that would leave the site or that no link can reach"),
        ("page.bad-url", "error", "a url: that would leave the site or that no link can reach"),
        ("output.conflict", "error", "a page and a file claiming one output path"),
        ("template.missing", "error", "a template that does not exist"),
        ("template.error", "error", "a template with a syntax error"),
        ("template.recursive-partial", "error", "a template that includes itself"),
        ("source.encoding", "error", "a file that is not UTF-8"),
        ("source.symlink-outside", "error", "a symbolic link leading outside the folder"),
        ("source.symlink-broken", "error", "a symbolic link leading nowhere"),
        ("source.symlink-folder", "warning", "a symbolic link to a folder, which is not followed"),
        ("source.not-a-file", "error", "a FIFO, socket or device (or a link to one) among the sources"),
        ("settings.invalid", "error", "_site.yaml is not valid YAML"),
        ("settings.type", "error", "a setting of the wrong type"),
        ("settings.menu", "error", "a malformed menu entry"),
        ("settings.base-url", "error", "a base_url that is not an absolute http(s) URL"),
        ("io.missing-folder", "error", "the content or theme folder is missing"),
        ("io.unreadable", "error", "a file or folder that cannot be read"),
        ("io.output-inside-content", "error", "the output folder is inside the content folder"),
        ("io.output-contains-sources", "error", "the output folder holds the sources"),
        ("io.output-not-writable", "error", "the output folder cannot be written"),
        ("io.output-is-link", "error", "the output folder is a symbolic link"),
        ("io.image-cache", "error", "the image cache folder cannot be written"),
        ("io.write-failed", "error", "writing the output failed"),
    ].map { code, level, summary in
        DiagnosticRule(code: code, family: family(of: code), summary: summary, level: Diagnostic.Severity(rawValue: level)!)
    }

    static let byCode: [String: DiagnosticRule] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    /// The family of a code, by its prefix (a family of its own for an unknown prefix).
    public static func family(of code: String) -> DiagnosticFamily {
        let prefix = String(code.prefix { $0 != "." })
        return familyByPrefix[prefix] ?? DiagnosticFamily(prefix: prefix, name: prefix, helpPath: readme)
    }

    /// The rule for `code`; a code not listed (a wording rule's) is described by its family, at
    /// the severity it was reported with.
    public static func rule(for code: String, reportedAs severity: Diagnostic.Severity = .warning) -> DiagnosticRule {
        if let known = byCode[code] { return known }
        let family = family(of: code)
        let summary = family.prefix == "wording" ? "a wording rule of content/_wording.yaml" : "a \(family.name) check"
        return DiagnosticRule(code: code, family: family, summary: summary, level: severity)
    }

    /// The rules of a report: every listed code, then the others that `diagnostics` use, by code.
    public static func rules(for diagnostics: [Diagnostic]) -> [DiagnosticRule] {
        var extra: [String: DiagnosticRule] = [:]
        for d in diagnostics where byCode[d.code] == nil && extra[d.code] == nil {
            extra[d.code] = rule(for: d.code, reportedAs: d.severity)
        }
        return all + extra.values.sorted { $0.code < $1.code }
    }
}
