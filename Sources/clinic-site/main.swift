import ArgumentParser
import Foundation

// Usage errors exit 2 (not ArgumentParser's 64), as README and --help document.
do {
    var command = try ClinicSite.parseAsRoot()
    try command.run()
} catch {
    let code = ClinicSite.exitCode(for: error)
    if code == .success || error is ExitCode {
        ClinicSite.exit(withError: error)
    }
    FileHandle.standardError.write(Data((ClinicSite.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
