import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Faults in the rules' own data files (`rules.*`), at their positions.
@Suite struct RulesFileTests {
    func load(schemas: String? = nil, wording: String? = nil, other: [String: String] = [:]) -> [String] {
        var files: [String: SourceFile] = [:]
        if let schemas { files["_schemas.yaml"] = SourceFile(relativePath: "_schemas.yaml", displayPath: "content/_schemas.yaml", text: schemas) }
        if let wording { files["_wording.yaml"] = SourceFile(relativePath: "_wording.yaml", displayPath: "content/_wording.yaml", text: wording) }
        for (name, text) in other { files[name] = SourceFile(relativePath: name, displayPath: "content/\(name)", text: text) }
        return ContentRules.load(files).1.map(\.compactLine)
    }

    func messages(schemas: String? = nil, wording: String? = nil) -> [String] {
        var files: [String: SourceFile] = [:]
        if let schemas { files["_schemas.yaml"] = SourceFile(relativePath: "_schemas.yaml", displayPath: "content/_schemas.yaml", text: schemas) }
        if let wording { files["_wording.yaml"] = SourceFile(relativePath: "_wording.yaml", displayPath: "content/_wording.yaml", text: wording) }
        return ContentRules.load(files).1.map { $0.message + " | " + ($0.suggestion ?? "") }
    }

    @Test func theClinicsOwnFilesLoadCleanly() throws {
        let content = repositoryRoot.appendingPathComponent("content")
        let schemas = try String(contentsOf: content.appendingPathComponent("_schemas.yaml"), encoding: .utf8)
        #expect(load(schemas: schemas, wording: RulesFixtures.clinicWording) == [])
        let schema = SchemaSet.load(SourceFile(relativePath: "_schemas.yaml", displayPath: "content/_schemas.yaml", text: schemas)).0
        #expect(schema.typeNames == ["clinical", "faq", "home", "page", "pricing", "providers"])
        #expect(schema.type(named: "faq")?.required.map(\.key) == ["title", "description", "reviewed", "reviewed_by"])
        #expect(schema.type(named: "pricing")?.notices == ["privacy-practices", "good-faith-estimate"])
        #expect(schema.reviewPeriodMonths == 12)
    }

    @Test func yamlThatCannotBeReadIsAnError() {
        #expect(load(schemas: "types:\n  page:\n    required: [title\n") == ["content/_schemas.yaml:4:1 error rules.invalid"])
    }

    @Test func anUnknownKeyInTheSchemaFileIsAWarningWithDidYouMean() {
        #expect(load(schemas: "reveiw_period_months: 6\n") == ["content/_schemas.yaml:1:1 warning rules.unknown-key"])
        #expect(messages(schemas: "reveiw_period_months: 6\n").first?.hasSuffix("did you mean 'review_period_months'?") == true)
    }

    @Test func aBadReviewPeriodIsAnError() {
        #expect(load(schemas: "review_period_months: 0\n") == ["content/_schemas.yaml:1:23 error rules.invalid"])
    }

    @Test func anUnknownValueTypeIsAnErrorWithDidYouMean() {
        let text = "types:\n  event:\n    optional:\n      starts: dat\n"
        #expect(load(schemas: text) == ["content/_schemas.yaml:4:15 error rules.invalid"])
        #expect(messages(schemas: text).first?.hasSuffix("did you mean 'date'?") == true)
    }

    @Test func aBuiltInKeyKeepsItsType() {
        #expect(load(schemas: "types:\n  page:\n    required:\n      weight: text\n") == ["content/_schemas.yaml:4:15 error rules.invalid"])
    }

    @Test func extendingAnUndeclaredTypeOrALoopIsAnError() {
        #expect(load(schemas: "types:\n  faq:\n    extends: clincal\n") == ["content/_schemas.yaml:3:14 error rules.invalid"])
        let loop = "types:\n  a:\n    extends: b\n  b:\n    extends: a\n"
        #expect(load(schemas: loop).count == 1)
        #expect(messages(schemas: loop).first?.hasPrefix("the types extend each other in a loop") == true)
    }

    @Test func anUnknownNoticeIsAnError() {
        let text = "types:\n  pricing:\n    notices: [good-faith-estimat]\n"
        #expect(load(schemas: text) == ["content/_schemas.yaml:3:15 error rules.invalid"])
        #expect(messages(schemas: text).first?.hasSuffix("did you mean 'good-faith-estimate'?") == true)
    }

    @Test func aFolderOfAnUndeclaredTypeIsAnError() {
        #expect(load(schemas: "folders:\n  conditions: clinicl\ntypes:\n  clinical: {}\n") == ["content/_schemas.yaml:2:15 error rules.invalid"])
    }

    @Test func aWordingRuleWithABadPatternIsAnErrorAtThePattern() {
        let text = "rules:\n  - id: broken\n    pattern: 'cure('\n    severity: error\n    message: m\n    source: s\n"
        #expect(load(wording: text) == ["content/_wording.yaml:3:14 error rules.invalid"])
    }

    @Test func aWordingRuleThatMatchesEmptyTextIsAnError() {
        let text = "rules:\n  - id: empty\n    pattern: 'x*'\n    severity: error\n    message: m\n    source: s\n"
        #expect(load(wording: text) == ["content/_wording.yaml:3:14 error rules.invalid"])
    }

    @Test func aWordingRuleNeedsASourceAndAKnownSeverity() {
        let text = "rules:\n  - id: cure\n    pattern: 'cure'\n    severity: eror\n    message: m\n"
        #expect(load(wording: text) == ["content/_wording.yaml:4:15 error rules.invalid", "content/_wording.yaml:2:5 error rules.invalid"])
        #expect(messages(wording: text) == [
            "'severity' must be error, warning or note, not 'eror' | did you mean 'error'?",
            "the rule 'cure' has no 'source' | every rule needs: id, pattern, severity, message, source",
        ])
    }

    @Test func aMisspeltRuleKeyIsAWarningAndTwiceTheSameIdAnError() {
        let rule = "  - id: cure\n    pattern: 'cure'\n    severity: error\n    message: m\n    source: s\n"
        let text = "rules:\n" + rule + "    sugestion: x\n" + rule
        #expect(load(wording: text) == ["content/_wording.yaml:7:5 warning rules.unknown-key", "content/_wording.yaml:8:9 error rules.invalid"])
    }

    @Test func aMisspeltDataFileNameIsAWarning() {
        #expect(load(other: ["_schema.yaml": "types: {}\n"]) == ["content/_schema.yaml warning rules.unknown-file"])
        #expect(load(other: ["_menus.yaml": "x: 1\n"]) == [])
    }

    @Test func aBrokenSchemaFileFailsTheBuildEndToEnd() throws {
        let result = try buildRulesSite([
            "content/_schemas.yaml": "types:\n  page:\n    required:\n      title: txt\n",
            "content/a.md": "---\ntitle: A\n---\n\nText.\n",
        ])
        #expect(result.hasErrors)
        #expect(result.ruleLines == ["content/_schemas.yaml:4:14 error rules.invalid"])
    }
}
