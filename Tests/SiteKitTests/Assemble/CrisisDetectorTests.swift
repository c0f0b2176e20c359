import Foundation
import Testing

@testable import SiteKit
import SiteMarkdown

@Suite struct CrisisDetectorTests {
    @Test(arguments: [
        ("Ketamine may help with suicidal thoughts.", true), ("Some people self-harm.", true),
        ("Call or text 988 (988 Suicide & Crisis Lifeline).", false), ("A calm page about parking.", false),
    ])
    func detectsMentions(text: String, expected: Bool) {
        #expect(CrisisDetector.mentionsCrisis(MarkdownRenderer.render(text + "\n")) == expected)
    }
}
