import Foundation
import SiteImages
import Testing
import TestSupport

@testable import SiteKit

/// libvips is loaded with dlopen on the first image (Sources/CVips/vips.c), not linked: a run
/// without images does not map it and the hundred libraries it needs.
@Suite("libvips loading")
struct VipsLoadingTests {
    /// Runs `executable` with `arguments` in `directory`, with `environment` added to this
    /// process's; its stdout and stderr together.
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vips-loading-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: FileManager.default.contents(atPath: file.path) ?? Data(), as: UTF8.self))
    }

    @Test("CVips's own declarations of libvips's and GLib's functions and constants agree with their headers")
    func declarationsMatchHeaders() throws {
        let flags = try Self.run("/usr/bin/env", ["pkg-config", "--cflags", "vips"])
        try #require(flags.status == 0, "pkg-config --cflags vips failed (is libvips-dev installed?): \(flags.output)")
        let source = repositoryRoot.appendingPathComponent("Sources/CVips")
        let arguments =
            ["clang", "-fsyntax-only", "-DCS_CHECK_WITH_VIPS_HEADERS", "-I", source.appendingPathComponent("include").path]
            + flags.output.split(whereSeparator: \.isWhitespace).map(String.init) + [source.appendingPathComponent("vips.c").path]
        let check = try Self.run("/usr/bin/env", arguments)
        #expect(check.status == 0, "vips.c disagrees with libvips's headers:\n\(check.output)")
    }

    @Test("neither clinic-site nor the test binary links libvips, GObject or GLib")
    func notLinked() throws {
        for binary in [CLI.executable.path, CommandLine.arguments[0]] {
            let dynamic = try Self.run("/usr/bin/env", ["readelf", "-d", binary])
            try #require(dynamic.status == 0, "readelf -d \(binary): \(dynamic.output)")
            let needed = dynamic.output.split(separator: "\n").filter { $0.contains("(NEEDED)") }
            #expect(!needed.isEmpty, "readelf found no NEEDED entries in \(binary)")
            let linked = needed.filter { ["libvips", "libgobject", "libglib", "libgio"].contains(where: $0.contains) }
            #expect(linked.isEmpty, "\(binary) links \(linked)")
        }
    }

    @Test("a build of a site without images does not load libvips; one with a photo does")
    func loadedOnFirstImage() throws {
        let site = try TestSite(["content/_site.yaml": "name: Test\n", "content/index.md": "---\ntitle: Home\n---\nWelcome.\n"])
        let plain = try Self.run(CLI.executable.path, ["build", "--today", "2026-11-24"], in: site.root, environment: ["LD_DEBUG": "files"])
        #expect(plain.status == 0, "\(plain.output.suffix(2000))")
        #expect(plain.output.contains("file=libc.so.6"), "LD_DEBUG=files printed nothing")
        #expect(!plain.output.contains("libvips"))
        try ImageTests.image("tiny.jpg").write(to: site.url("content/photo.jpg"))
        let photo = try Self.run(CLI.executable.path, ["build", "--today", "2026-11-24"], in: site.root, environment: ["LD_DEBUG": "files"])
        #expect(photo.status == 0, "\(photo.output.suffix(2000))")
        #expect(photo.output.contains("file=libvips.so.42"))
    }

    @Test("SHA-256 through the loaded GLib is SHA-256")
    func sha256() {
        #expect(Array("abc".utf8).withUnsafeBytes { Vips.sha256($0) } == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect([UInt8]().withUnsafeBytes { Vips.sha256($0) } == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("without libvips an image is refused with a problem that says what to install")
    func unavailable() {
        let problem = ImageProcessor.problem(
            .unavailable("libvips cannot be loaded (libvips.so.42: cannot open shared object file: No such file or directory)"), name: "photo.jpg",
            settings: ImageSettings())
        #expect(problem.code == "image.invalid")
        #expect(
            problem.message == "'photo.jpg' cannot be processed: libvips cannot be loaded (libvips.so.42: cannot open shared object file: No such file or directory)")
        #expect(problem.suggestion?.contains("apt-get install libvips42") == true)
    }
}
