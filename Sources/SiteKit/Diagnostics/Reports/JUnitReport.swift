/// JUnit XML as GitLab, Jenkins and CircleCI read it: one test suite per check family
/// (`DiagnosticRules.families`), one test case per page checked (and per other file with a
/// problem of that family), a `<failure>` per error; warnings and notes are printed in the
/// case's `<system-out>` and do not fail it. Written by hand: a few elements, and escaping is
/// all there is to it.
struct JUnitReport {
    var context: ReportContext

    func render(_ diagnostics: [Diagnostic]) -> String {
        var byFamily: [String: [String: [Diagnostic]]] = [:]
        var families = DiagnosticRules.families
        for d in diagnostics {
            let family = DiagnosticRules.family(of: d.code)
            if !families.contains(family) { families.append(family) }
            byFamily[family.name, default: [:]][d.position.file, default: []].append(d)
        }
        let checked = Set(context.checkedFiles)
        var suites: [String] = []
        var total = 0
        var failures = 0
        for family in families {
            let problems = byFamily[family.name] ?? [:]
            let files = checked.union(problems.keys).sorted()
            var cases = ""
            var suiteFailures = 0
            for file in files {
                let list = problems[file] ?? []
                let errors = list.filter { $0.severity == .error }
                let others = list.filter { $0.severity != .error }
                suiteFailures += errors.count
                cases += "    <testcase classname=\"\(Self.escape(family.name))\" name=\"\(Self.escape(file))\" file=\"\(Self.escape(file))\""
                if errors.isEmpty && others.isEmpty {
                    cases += "/>\n"
                    continue
                }
                cases += ">\n"
                for d in errors {
                    cases += "      <failure type=\"\(Self.escape(d.code))\" message=\"\(Self.escape("\(d.position): \(d.message)"))\">"
                    cases += Self.escape(Self.line(d)) + "</failure>\n"
                }
                if !others.isEmpty {
                    cases += "      <system-out>" + Self.escape(others.map(Self.line).joined(separator: "\n")) + "</system-out>\n"
                }
                cases += "    </testcase>\n"
            }
            total += files.count
            failures += suiteFailures
            suites.append(
                "  <testsuite name=\"\(Self.escape(family.name))\" tests=\"\(files.count)\" failures=\"\(suiteFailures)\" errors=\"0\" skipped=\"0\">\n"
                    + cases + "  </testsuite>\n")
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"clinic-site\" tests=\"\(total)\" failures=\"\(failures)\" errors=\"0\">\n"
            + suites.joined() + "</testsuites>\n"
    }

    /// `file:line:col: severity: message [code]`, then the suggestion.
    static func line(_ d: Diagnostic) -> String {
        "\(d.position): \(d.severity.rawValue): \(d.message) [\(d.code)]" + (d.suggestion.map { "\n  help: \($0)" } ?? "")
    }

    /// Text for an XML attribute or element. Characters XML 1.0 cannot hold at all (control
    /// characters other than tab, LF and CR) become U+FFFD.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
