import Foundation
@testable import SiteImages
import Testing
import TestSupport

@testable import SiteKit

/// libvips is loaded with dlopen on the first image (Sources/CVips/vips.c), not linked: a run
/// without images does not map it and the hundred libraries it needs.
@Suite("libvips loading")
struct VipsLoadingTests {
    @Test("CVips's own declarations of libvips's and GLib's functions and constants agree with their headers")
    func declarationsMatchHeaders() throws {
        let flags = try Subprocess.run("/usr/bin/env", ["pkg-config", "--cflags", "vips"])
        try #require(flags.status == 0, "pkg-config --cflags vips failed (is libvips-dev installed?): \(flags.output)")
        let source = repositoryRoot.appendingPathComponent("Sources/CVips")
        let arguments =
            ["clang", "-fsyntax-only", "-DCS_CHECK_WITH_VIPS_HEADERS", "-I", source.appendingPathComponent("include").path]
            + flags.output.split(whereSeparator: \.isWhitespace).map(String.init) + [source.appendingPathComponent("vips.c").path]
        let check = try Subprocess.run("/usr/bin/env", arguments)
        #expect(check.status == 0, "vips.c disagrees with libvips's headers:\n\(check.output)")
    }

    @Test("neither clinic-site nor the test binary links libvips, GObject or GLib")
    func notLinked() throws {
        try expectNotLinked(["libvips", "libgobject", "libglib", "libgio"])
    }

    @Test("a build of a site without images does not load libvips; one with a photo does")
    func loadedOnFirstImage() throws {
        let site = try TestSite(["content/_site.yaml": "name: Test\n", "content/index.md": "---\ntitle: Home\n---\nWelcome.\n"])
        defer { site.remove() }
        let plain = try Subprocess.run(CLI.executable.path, ["build", "--today", "2026-11-24"], in: site.root, environment: ["LD_DEBUG": "files"])
        #expect(plain.status == 0, "\(plain.output.suffix(2000))")
        #expect(plain.output.contains("file=libc.so.6"), "LD_DEBUG=files printed nothing")
        #expect(!plain.output.contains("libvips"))
        try ImageTests.image("tiny.jpg").write(to: site.url("content/photo.jpg"))
        let photo = try Subprocess.run(CLI.executable.path, ["build", "--today", "2026-11-24"], in: site.root, environment: ["LD_DEBUG": "files"])
        #expect(photo.status == 0, "\(photo.output.suffix(2000))")
        #expect(photo.output.contains("file=libvips.so.42"))
    }

    /// Builds `site` with LD_DEBUG=files: whether libvips was loaded, and the built files.
    static func buildTracingLoads(_ site: TestSite) throws -> (loadedVips: Bool, output: [String: Data]) {
        let run = try Subprocess.run(CLI.executable.path, ["build", "--today", "2026-11-24"], in: site.root, environment: ["LD_DEBUG": "files"])
        try #require(run.status == 0, "\(run.output.suffix(2000))")
        try #require(run.output.contains("file=libc.so.6"), "LD_DEBUG=files printed nothing")
        var files: [String: Data] = [:]
        let output = site.url("output")
        let paths = try #require(FileManager.default.subpaths(atPath: output.path))
        for path in paths {
            var folder: ObjCBool = false
            if FileManager.default.fileExists(atPath: output.appendingPathComponent(path).path, isDirectory: &folder), !folder.boolValue {
                files[path] = FileManager.default.contents(atPath: output.appendingPathComponent(path).path)
            }
        }
        return (run.output.contains("file=libvips.so.42"), files)
    }

    /// A one-page site showing one small photo, content/photo.jpg.
    static func photoSite() throws -> TestSite {
        let site = try TestSite([
            "content/_site.yaml": "name: Test\n", "content/index.md": "---\ntitle: Home\n---\n![A small icon](/photo.jpg)\n",
        ])
        try ImageTests.image("tiny.jpg").write(to: site.url("content/photo.jpg"))
        return site
    }

    @Test("a build whose images are all in the cache does not load libvips, and publishes the same files")
    func cacheHitWithoutLibvips() throws {
        let site = try Self.photoSite()
        defer { site.remove() }
        let first = try Self.buildTracingLoads(site)
        #expect(first.loadedVips)
        #expect(first.output.keys.contains { $0.hasSuffix(".webp") }, "\(first.output.keys.sorted())")
        let probe = site.url(".clinic-site-cache/images/libvips.probe")
        #expect(FileManager.default.fileExists(atPath: probe.path))
        let second = try Self.buildTracingLoads(site)
        #expect(!second.loadedVips, "the second build loaded libvips")
        #expect(second.output == first.output)
        // A changed photo is processed: libvips is loaded for it.
        try ImageTests.image("large.jpg").write(to: site.url("content/photo.jpg"))
        let changed = try Self.buildTracingLoads(site)
        #expect(changed.loadedVips)
        #expect(changed.output != first.output)
    }

    @Test("when a library libvips mapped has changed since the probe, libvips is loaded and the probe written again")
    func staleProbe() throws {
        let site = try Self.photoSite()
        defer { site.remove() }
        let first = try Self.buildTracingLoads(site)
        let probe = site.url(".clinic-site-cache/images/libvips.probe")
        let text = try String(contentsOf: probe, encoding: .utf8)
        // libvips itself, recorded with another size: as after an upgrade.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("file ") && $0.contains("/libvips.so.42") }, "\(text)")
        var fields = lines[index].split(separator: " ", maxSplits: 5).map(String.init)
        fields[1] = String((Int(fields[1]) ?? 0) + 1)
        lines[index] = fields.joined(separator: " ")
        try lines.joined(separator: "\n").write(to: probe, atomically: true, encoding: .utf8)
        let stale = try Self.buildTracingLoads(site)
        #expect(stale.loadedVips, "a stale probe was trusted")
        #expect(stale.output == first.output)
        // The same lines (the order of what was mapped follows load addresses, which vary).
        let again = try String(contentsOf: probe, encoding: .utf8)
        #expect(Set(again.split(separator: "\n")) == Set(text.split(separator: "\n")), "the probe was not written again as it was")
    }

    @Test("the probe holds while every file it lists is as it was, a missing one included")
    func probeMemo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = folder.appendingPathComponent("libexample.so.1")
        let absent = folder.appendingPathComponent("plugins/libplugin.so")
        try Data("one".utf8).write(to: library)
        let text = ProbeMemo.text(fingerprint: "vips 8.14.1|11101", files: [library.path, absent.path])
        #expect(text.contains("file \(ProbeMemo.missing) \(absent.path)"))
        #expect(ProbeMemo.fingerprint(in: text) == "vips 8.14.1|11101")
        #expect(ProbeMemo.fingerprint(in: text.replacingOccurrences(of: ProbeMemo.header, with: "clinic-site libvips probe 0")) == nil)
        // The missing file's folder appears: a plugin folder was installed.
        try FileManager.default.createDirectory(at: absent.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(ProbeMemo.fingerprint(in: text) == nil)
        let again = ProbeMemo.text(fingerprint: "vips 8.14.1|11101", files: [library.path, absent.path])
        #expect(ProbeMemo.fingerprint(in: again) == "vips 8.14.1|11101")
        // The library is replaced (a new file, another inode).
        try FileManager.default.removeItem(at: library)
        try Data("two".utf8).write(to: library)
        #expect(ProbeMemo.fingerprint(in: again) == nil)
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
