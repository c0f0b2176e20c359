import ArgumentParser
import Foundation

extension ClinicSite {
    /// `clinic-site new PATH --title "…"`: a new page with the front matter its type needs.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a page with the front matter its type needs; never overwrites a file.",
            discussion: """
                PATH is below the content folder (faq/billing.md) or includes it \
                (content/faq/billing.md); .md is added when missing. The page gets a title, an empty \
                description to fill in, and `reviewed: pending` when its type needs a medical review \
                (the type comes from --type, else from its folder in content/_schemas.yaml).
                """)

        @Argument(help: "The new page's path, e.g. faq/billing.md.")
        var path: String

        @Option(help: "The page's title.")
        var title: String

        @Option(help: "The page type (from content/_schemas.yaml); by default the type of its folder, else page.")
        var type: String?

        @Flag(help: "Mark the page draft: true (shown by serve, left out by build).")
        var draft = false

        @Option(help: "The folder of Markdown pages.")
        var content = "content"

        func run() throws {
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let contentURL = URL(fileURLWithPath: content, relativeTo: cwd).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: contentURL.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                FileHandle.standardError.write(Data("clinic-site: the content folder '\(content)' does not exist; run from the repository root, or pass --content PATH\n".utf8))
                throw ExitCode(2)
            }
            do {
                let created = try NewPage.create(
                    path: path, title: title, type: type, draft: draft, content: contentURL, workingDirectory: cwd)
                print("Created \(created.displayPath) (type \(created.type)), served at \(created.url). Fill in its description and write the page.")
            } catch let failure as NewPage.Failure {
                FileHandle.standardError.write(Data("clinic-site: \(failure)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
