import Testing
import TestSupport

/// Libraries that clinic-site loads with dlopen only when needed (libvips, libcurl) must not be
/// linked: checks that neither the executable nor this test binary names any library whose file
/// name starts with one of `forbidden` as NEEDED.
func expectNotLinked(_ forbidden: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    for binary in [CLI.executable.path, CommandLine.arguments[0]] {
        let needed = try Subprocess.neededLibraries(of: binary)
        #expect(!needed.isEmpty, "readelf found no NEEDED entries in \(binary)", sourceLocation: sourceLocation)
        let linked = needed.filter { name in forbidden.contains { name.hasPrefix($0) } }
        #expect(linked.isEmpty, "\(binary) links \(linked)", sourceLocation: sourceLocation)
    }
}
