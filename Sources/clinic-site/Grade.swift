import ArgumentParser
import Foundation
import SiteKit

extension ClinicSite {
    /// `clinic-site grade`: the Flesch-Kincaid grade of plain-text paragraphs, as the
    /// readability rule counts it (to try a sentence before putting it on a page, and for the
    /// comparison with Python's textstat in scripts/readability-compare.py).
    struct Grade: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the Flesch-Kincaid grade of each paragraph of plain text (the readability rule's count).",
            discussion: "Paragraphs are separated by blank lines. Reads the files given, or standard input.")

        @Argument(help: "Plain-text files (standard input without any).")
        var files: [String] = []

        @Flag(help: "One JSON object a line: {\"grade\",\"words\",\"sentences\",\"syllables\"}.")
        var json = false

        func run() throws {
            var text = ""
            if files.isEmpty {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        FileHandle.standardError.write(Data("clinic-site grade: cannot read \(file)\n".utf8))
                        throw ExitCode(2)
                    }
                    text += String(decoding: data, as: UTF8.self) + "\n\n"
                }
            }
            let paragraphs = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
                .map { $0.split(separator: "\n").joined(separator: " ").trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            var out = ""
            for paragraph in paragraphs {
                let c = Readability.counts(ofBlock: paragraph)
                if json {
                    out += "{\"grade\":\(c.grade),\"words\":\(c.words),\"sentences\":\(c.sentences),\"syllables\":\(c.syllables)}\n"
                } else {
                    out += "grade \(Readability.format(c.grade)) (\(c.words) words, \(c.sentences) sentences, \(c.syllables) syllables): \(paragraph.prefix(60))\n"
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
