import Foundation
import Testing

@testable import SiteKit

/// What the writer must never do outside `output/` or to copies of it (issue 13): follow an
/// output folder that is a link, rewrite files a snapshot shares by hard links, keep a file under
/// a spelling canonically equal to the new one, or leave a killed build's staging folder.
@Suite(.serialized) struct OutputSafetyTests {
    /// A temporary folder for one test.
    struct Folder {
        let root: URL
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-output-safety-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }
        func url(_ path: String) -> URL { root.appendingPathComponent(path) }
        func remove() { try? FileManager.default.removeItem(at: root) }

        func write(_ files: [String: String], to output: String = "output") throws {
            let list = files.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
                .map { OutputFile(path: $0.key, contents: .text($0.value)) }
            try OutputWriter.write(list, to: url(output), displayPath: output)
        }

        /// Every regular file below `folder` as its name's UTF-8 bytes → its text (names as the
        /// file system holds them: `String ==` would take NFD and NFC spellings for one).
        func files(_ folder: String) -> [[UInt8]: String] {
            var result: [[UInt8]: String] = [:]
            func walk(_ path: String, _ relative: [UInt8]) {
                guard let dir = opendir(path) else { return }
                defer { closedir(dir) }
                while let entry = readdir(dir) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                    if name == [46] || name == [46, 46] { continue }
                    let full = path + "/" + String(decoding: name, as: UTF8.self)
                    let rel = relative.isEmpty ? name : relative + [47] + name
                    var info = stat()
                    guard lstat(full, &info) == 0 else { continue }
                    if (info.st_mode & S_IFMT) == S_IFDIR {
                        walk(full, rel)
                    } else {
                        result[rel] = (try? String(contentsOfFile: full, encoding: .utf8)) ?? "(not a readable file)"
                    }
                }
            }
            walk(url(folder).path, [])
            return result
        }

        func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted() }
    }

    static func bytes(_ files: [String: String]) -> [[UInt8]: String] {
        Dictionary(uniqueKeysWithValues: files.map { (Array($0.key.utf8), $0.value) })
    }

    @Test func anOutputFolderThatIsASymbolicLinkIsRefusedAndItsTargetKept() throws {
        let f = try Folder()
        defer { f.remove() }
        try FileManager.default.createDirectory(at: f.url("srv/www"), withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: f.url("srv/www/unrelated.txt"))
        try FileManager.default.createSymbolicLink(atPath: f.url("out").path, withDestinationPath: "srv/www")
        for round in 0..<2 {
            let error = #expect(throws: Diagnostic.self) { try f.write(["index.html": "v\(round)"], to: "out") }
            #expect(error?.code == "io.output-is-link")
            #expect(error?.message.contains("symbolic link") == true)
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: f.url("out").path) == "srv/www")
        #expect(f.files("srv/www") == Self.bytes(["unrelated.txt": "keep me"]))
        #expect(f.entries() == ["out", "srv"])
    }

    @Test func aSpareThatIsASymbolicLinkIsRemovedNotFollowed() throws {
        let f = try Folder()
        defer { f.remove() }
        try FileManager.default.createDirectory(at: f.url("elsewhere"), withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: f.url("elsewhere/unrelated.txt"))
        try f.write(["index.html": "v1"])
        try FileManager.default.createSymbolicLink(atPath: f.url(".output.previous").path, withDestinationPath: "elsewhere")
        try f.write(["index.html": "v2"])
        try f.write(["index.html": "v3"])
        #expect(f.files("elsewhere") == Self.bytes(["unrelated.txt": "keep me"]))
        #expect(f.files("output") == Self.bytes(["index.html": "v3"]))
    }

    @Test func aSnapshotMadeWithHardLinksIsNeverRewritten() throws {
        let f = try Folder()
        defer { f.remove() }
        let v1 = ["index.html": "one", "a/index.html": "a one", "same.css": "body{}"]
        try f.write(v1)
        // cp -al: new folders, the same files (inodes).
        let cp = Process()
        cp.executableURL = URL(fileURLWithPath: "/bin/cp")
        cp.arguments = ["-al", f.url("output").path, f.url("release-1").path]
        try cp.run()
        cp.waitUntilExit()
        #expect(cp.terminationStatus == 0)
        // The second write fills a new folder; the third the spare, which is the first build,
        // whose files release-1 shares.
        try f.write(["index.html": "two", "a/index.html": "a two", "same.css": "body{}"])
        try f.write(["index.html": "three", "a/index.html": "a three", "same.css": "body{}"])
        try f.write(["index.html": "four", "a/index.html": "a four", "same.css": "body{}"])
        #expect(f.files("release-1") == Self.bytes(v1))
        #expect(f.files("output") == Self.bytes(["index.html": "four", "a/index.html": "a four", "same.css": "body{}"]))
    }

    @Test func unchangedFilesKeepTheirInode() throws {
        let f = try Folder()
        defer { f.remove() }
        try f.write(["index.html": "one", "same.css": "body{}"])
        try f.write(["index.html": "two", "same.css": "body{}"])
        var before = stat()
        stat(f.url(".output.previous/same.css").path, &before)
        try f.write(["index.html": "three", "same.css": "body{}"])
        var after = stat()
        stat(f.url("output/same.css").path, &after)
        #expect(before.st_ino == after.st_ino, "an unchanged file was written again")
    }

    @Test("A file or folder renamed from its NFD to its NFC spelling leaves no old name", arguments: [false, true])
    func renamesBetweenCanonicallyEqualNames(twice: Bool) throws {
        let f = try Folder()
        defer { f.remove() }
        let nfd = ["cafe\u{301}/index.html": "page", "re\u{301}sume\u{301}.pdf": "file", "index.html": "home"]
        let nfc = ["caf\u{E9}/index.html": "page", "r\u{E9}sum\u{E9}.pdf": "file", "index.html": "home"]
        try f.write(nfd)
        if twice { try f.write(nfd) }  // the spare holds the NFD spelling too
        try f.write(nfc)
        #expect(f.files("output") == Self.bytes(nfc))
        try f.write(nfd)
        #expect(f.files("output") == Self.bytes(nfd))
    }

    @Test func aSlashFollowedByACombiningMarkIsStillAFolder() {
        #expect(OutputWriter.parentPath("a/\u{301}b/index.html") == "a/\u{301}b")
        #expect(Array(OutputWriter.parentPath("a/\u{301}b").utf8) == Array("a".utf8))
    }

    @Test func staleStagingFoldersOfDeadProcessesAreRemoved() throws {
        let f = try Folder()
        defer { f.remove() }
        try f.write(["index.html": "one", "old.html": "old"])
        // What SIGKILL leaves: a staging folder half filled, and one of the fallback's swaps.
        let dead: Int32 = 2_147_483_000  // above any pid_max
        try FileManager.default.createDirectory(at: f.url(".output.staging-\(dead)/sub"), withIntermediateDirectories: true)
        try Data("half".utf8).write(to: f.url(".output.staging-\(dead)/index.html"))
        try Data("stale".utf8).write(to: f.url(".output.staging-\(dead)/sub/stale.html"))
        try FileManager.default.createDirectory(at: f.url(".output.previous-\(dead - 1)"), withIntermediateDirectories: true)
        // A live process's staging folder (pid 1 is always there) is another build's: kept.
        try FileManager.default.createDirectory(at: f.url(".output.staging-1"), withIntermediateDirectories: true)
        try f.write(["index.html": "two"])
        #expect(f.entries() == [".output.previous", ".output.staging-1", "output"])
        #expect(f.files("output") == Self.bytes(["index.html": "two"]))
        // The dead build's folder was filled as the staging folder; the first build is the spare.
        #expect(f.files(".output.previous") == Self.bytes(["index.html": "one", "old.html": "old"]))
        try f.write(["index.html": "three"])
        #expect(f.files("output") == Self.bytes(["index.html": "three"]))
        #expect(f.entries() == [".output.previous", ".output.staging-1", "output"])
    }
}
