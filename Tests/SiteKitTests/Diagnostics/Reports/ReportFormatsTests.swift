import Foundation
import SiteMarkdown
import Testing
import TestSupport

@testable import SiteKit

/// The list of codes (`DiagnosticRules`), the exact fixes checks attach, and the CI formats
/// (`Tests/Reports/check_reports.py` checks the same formats with the tools that read them).
@Suite struct ReportFormatsTests {
    /// Every code in docs/checks.md's table (and the data-file codes in docs/content-rules.md) is in
    /// `DiagnosticRules`, and every code there is in the table, once or through `family.*`.
    @Test func rulesMatchTheCodesTable() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/checks.md"), encoding: .utf8)
        let contentRules = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/content-rules.md"), encoding: .utf8)
        func codes(in text: String) -> [(codes: [String], severity: String)] {
            text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { row in
                let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                let codes = cells[0].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
                return (codes, cells.count > 1 ? cells[1] : "")
            }
        }
        // Codes are `family.name` of a known family; `wording.ID` codes come from _wording.yaml.
        let prefixes = Set(DiagnosticRules.families.map(\.prefix)).subtracting(["wording"])
        let rows = (codes(in: readme) + codes(in: contentRules)).map { row in
            (codes: row.codes.filter { code in
                let parts = code.split(separator: ".", maxSplits: 1)
                return parts.count == 2 && prefixes.contains(String(parts[0])) && !code.contains(" ")
            }, severity: row.severity)
        }.filter { !$0.codes.isEmpty }
        let documented = Set(rows.flatMap(\.codes))
        let known = Set(DiagnosticRules.all.map(\.code))
        for code in documented {
            if code.hasSuffix(".*") {
                #expect((DiagnosticRules.families.map(\.prefix) + ["wording"]).contains(String(code.dropLast(2))))
                #expect(DiagnosticRules.families.contains { $0.prefix + ".*" == code }, "docs/checks.md names \(code), not a family")
            } else {
                #expect(known.contains(code), "docs/checks.md documents \(code), which DiagnosticRules does not list")
            }
        }
        for rule in DiagnosticRules.all {
            #expect(documented.contains(rule.code) || documented.contains(rule.family.prefix + ".*"), "\(rule.code) is not in docs/checks.md's table")
        }
        // Where a row names one code and one severity, they agree.
        for row in rows where row.codes.count == 1 && ["error", "warning"].contains(row.severity) {
            if let rule = DiagnosticRules.all.first(where: { $0.code == row.codes[0] }) {
                #expect(rule.level.rawValue == row.severity, "\(rule.code): docs/checks.md says \(row.severity)")
            }
        }
        // Each family's help page exists and has the anchor's heading.
        for family in DiagnosticRules.families {
            let parts = family.helpPath.split(separator: "#", maxSplits: 1).map(String.init)
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent(parts[0]), encoding: .utf8)
            let ids = text.split(separator: "\n").filter { $0.hasPrefix("#") }.map { line in
                Slugger.slug(line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces))
            }
            #expect(ids.contains(parts[1]), "\(family.helpPath): no such heading")
        }
    }

    /// Every code a check can report (a string literal `"family.name"` in Sources/SiteKit) is listed.
    @Test func everyCodeInTheSourcesIsListed() throws {
        let prefixes = Set(DiagnosticRules.families.map(\.prefix))
        let known = Set(DiagnosticRules.all.map(\.code))
        let root = repositoryRoot.appendingPathComponent("Sources/SiteKit")
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        let pattern = try NSRegularExpression(pattern: #""([a-z0-9]+)\.([a-z][a-z0-9-]*)""#)
        var found = Set<String>()
        for file in files where !file.hasSuffix("DiagnosticRules.swift") {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let prefix = String(text[Range(m.range(at: 1), in: text)!])
                guard prefixes.contains(prefix), prefix != "wording" else { continue }
                found.insert(String(text[Range(m.range, in: text)!].dropFirst().dropLast()))
            }
        }
        // A code named only as a prefix of others (`hasPrefix("source.symlink")`) is not one.
        let unknown = found.subtracting(known).filter { code in !known.contains { $0.hasPrefix(code + "-") } }
        #expect(found.count > 40)
        #expect(unknown.sorted() == [])
    }

    static let priced = """
        ---
        title: Prices
        prices:
          - id: treatment-session
            name: Treatment session
            amount: 500
        ---

        A treatment session is $450 today.

        It is \\$500 with an escape.

        And $500 plain.

        """

    /// `price.mismatch` and `price.literal` carry the exact edit `{{price ID}}`, at the bytes of
    /// the typed amount; where the source does not hold the amount there (an escape), none.
    @Test func priceDiagnosticsCarryTheShortcodeFix() throws {
        let site = try TestSite(["content/pricing.md": Self.priced, "content/index.md": page("Home", "See [costs](pricing.md#mian) and [x](/pricng/).")])
        defer { site.remove() }
        let result = site.build()
        let mismatch = try #require(result.diagnostics.first { $0.code == "price.mismatch" })
        let fix = try #require(mismatch.fix)
        #expect(fix.replacement == "{{price treatment-session}}" && fix.original == "$450")
        #expect(fix.start == LineColumn(line: 9, column: 24) && fix.end == LineColumn(line: 9, column: 28))
        let source = try #require(site.read("content/pricing.md"))
        #expect(fix.applied(to: source)?.contains("A treatment session is {{price treatment-session}} today.") == true)
        let literals = result.diagnostics.filter { $0.code == "price.literal" }
        #expect(literals.count == 2)
        // After the escape, the source does not hold "$500" where the text has it: no fix.
        #expect(literals.first { $0.position.line == 11 }?.fix == nil)
        let plain = try #require(literals.first { $0.position.line == 13 }?.fix)
        #expect(plain.original == "$500" && plain.start == LineColumn(line: 13, column: 5))
        #expect(plain.applied(to: source)?.contains("And {{price treatment-session}} plain.") == true)
        // Link fixes: the anchor after '#', the whole URL for a URL.
        let index = try #require(site.read("content/index.md"))
        let fragment = try #require(result.diagnostics.first { $0.code == "link.missing-fragment" }?.fix)
        #expect(fragment.original == "mian" && fragment.replacement == "main")
        #expect(fragment.applied(to: index)?.contains("[costs](pricing.md#main)") == true)
        let url = try #require(result.diagnostics.first { $0.code == "link.missing-page" }?.fix)
        #expect(url.original == "/pricng/" && url.replacement == "/pricing/")
        #expect(url.applied(to: index)?.contains("[x](/pricing/)") == true)
    }

    @Test func fixesThatTheSourceDoesNotHoldAreDropped() {
        var sources = SiteSources()
        sources.pages = [SourceFile(relativePath: "a.md", displayPath: "content/a.md", text: "one\nit is $5 here\n")]
        let at = SourcePosition(file: "content/a.md", line: 2, column: 7)
        let good = Diagnostic.warning("price.literal", at: at, "m", fix: Fix(replacing: "$5", at: at, with: "{{price a}}", title: "t"))
        let bad = Diagnostic.warning("price.literal", at: at, "m", fix: Fix(replacing: "$6", at: at, with: "{{price a}}", title: "t"))
        let outside = Diagnostic.warning("price.literal", at: SourcePosition(file: "content/a.md", line: 2, column: 16), "m", fix: Fix(replacing: "here!", at: SourcePosition(file: "content/a.md", line: 2, column: 14), with: "x", title: "t"))
        let kept = [good, bad, outside].keepingFixes(thatMatch: sources)
        #expect(kept.map { $0.fix != nil } == [true, false, false])
        #expect(good.fix?.applied(to: sources.pages[0].text) == "one\nit is {{price a}} here\n")
    }

    /// A fingerprint is the same when lines are added above (the line number is not in it), and
    /// differs for two identical problems in one file (their order is).
    @Test func fingerprintsIgnoreLineNumbers() {
        let a = "---\ntitle: A\n---\n\nIt is $450.\n"
        let b = "---\ntitle: A\n---\n\nNew.\n\nMore.\n\nIt is $450.\n"
        func print(_ text: String, line: Int) -> [String] {
            let d = Diagnostic.error("price.mismatch", at: SourcePosition(file: "content/a.md", line: line, column: 7), "$450, but the pricing page says $500 (content/pricing.md:\(line + 3))")
            return Fingerprint.all([d, d], lines: ReportLines { _ in text })
        }
        let before = print(a, line: 5)
        let after = print(b, line: 9)
        #expect(before == after)
        #expect(before[0] != before[1])
        #expect(print("---\ntitle: A\n---\n\nIt is $460.\n", line: 5) != before)
    }

    static func many(errors: Int, warnings: Int) -> [Diagnostic] {
        (0..<(errors + warnings)).map { i in
            Diagnostic(i % 3 == 0 && i / 3 < errors ? .error : .warning, "price.literal", at: SourcePosition(file: "content/a.md", line: i + 1, column: 1), "m\(i)")
        }
        .sortedForReport()
    }

    /// 10 annotations of each level at most, errors first, then one notice with the rest.
    @Test func githubAnnotationsAreCappedAtTenPerLevel() {
        var list: [Diagnostic] = []
        for i in 0..<42 {
            list.append(Diagnostic(i < 30 ? .warning : .error, "x.y", at: SourcePosition(file: "content/a.md", line: 42 - i, column: 1), "m\(i)"))
        }
        list = list.sortedForReport()
        let lines = DiagnosticFormatter(format: .github).report(list, pages: 1).split(separator: "\n")
        #expect(lines.count == 21)
        #expect(lines.prefix(10).allSatisfy { $0.hasPrefix("::error ") })
        #expect(lines.dropFirst(10).prefix(10).allSatisfy { $0.hasPrefix("::warning ") })
        #expect(lines[0].hasPrefix("::error file=content/a.md,line=1,"))
        #expect(lines[20].hasPrefix("::notice title=clinic-site::") && lines[20].contains("2 more errors and 20 more warnings"))
        let few = DiagnosticFormatter(format: .github).report(Array(list.prefix(3)), pages: 1)
        #expect(!few.contains("::notice"))
    }

    /// JUnit is well-formed XML for any message (control characters, markup), a suite per
    /// family and a case per page; only errors are failures.
    @Test func junitIsWellFormed() throws {
        let list = DiagnosticFormatterTests.tricky + [.error("link.missing-page", at: SourcePosition(file: "content/b.md", line: 1, column: 1), "<a> & \"b\"")]
        let xml = DiagnosticFormatter(format: .junit, context: ReportContext(checkedFiles: ["content/b.md", "content/c.md"])).report(list, pages: 2)
        #if canImport(FoundationXML)
            let document = try FoundationXMLDocument(xml)
            #expect(document.suites.contains("links") && document.suites.contains("prices"))
        #endif
        #expect(xml.contains("<testsuite name=\"links\" tests=\"3\" failures=\"2\""))
        #expect(xml.contains("<testsuite name=\"prices\" tests=\"3\" failures=\"0\""))
        #expect(xml.contains("<testcase classname=\"links\" name=\"content/c.md\" file=\"content/c.md\"/>"))
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    /// SARIF columns count UTF-16 code units (SARIF's default); ours count UTF-8 bytes.
    @Test func sarifColumnsAreUTF16() throws {
        let text = "---\ntitle: é\n---\n\nCafé 💊 costs $450.\n"
        let column = Array("Café 💊 costs ".utf8).count + 1
        let d = Diagnostic.error("price.mismatch", at: SourcePosition(file: "content/a.md", line: 5, column: column), "m")
        let sarif = DiagnosticFormatter(format: .sarif, sourceText: { _ in text }).report([d], pages: 1)
        let json = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as! [String: Any]
        let result = ((json["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]])[0]
        let region = ((result["locations"] as! [[String: Any]])[0]["physicalLocation"] as! [String: Any])["region"] as! [String: Any]
        #expect(region["startColumn"] as? Int == "Café 💊 costs ".utf16.count + 1)
        #expect(region["startLine"] as? Int == 5)
    }

    @Test func stepSummaryListsErrorsFirstAndEscapesCells() {
        let list = [
            Diagnostic.warning("price.literal", at: SourcePosition(file: "content/a.md", line: 1, column: 2), "a | b <script>", suggestion: "use *this*"),
            Diagnostic.error("link.missing-page", at: SourcePosition(file: "content/b.md", line: 3, column: 4), "x\ny"),
        ]
        let md = DiagnosticFormatter(format: .markdown, context: ReportContext(repositoryURL: "https://github.com/o/r", revision: "abc")).report(list, pages: 2)
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| error") || $0.hasPrefix("| warning") }
        #expect(md.hasPrefix("## clinic-site: 1 error, 1 warning in 2 pages\n"))
        #expect(rows.count == 2 && rows[0].hasPrefix("| error"))
        #expect(rows[0] == "| error | [content/b.md:3:4](https://github.com/o/r/blob/abc/content/b.md?plain=1#L3) | `link.missing-page` | x<br>y |  |")
        #expect(rows[1].contains("a \\| b &lt;script&gt;") && rows[1].contains("use \\*this\\*"))
    }
}

#if canImport(FoundationXML)
    import FoundationXML

    /// Parses with Foundation's XML parser (libxml2), so malformed XML fails the test.
    struct FoundationXMLDocument {
        var suites: [String] = []

        init(_ text: String) throws {
            let document = try XMLDocument(xmlString: text, options: [])
            suites = try document.nodes(forXPath: "//testsuite/@name").compactMap(\.stringValue)
        }
    }
#endif
