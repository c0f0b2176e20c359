// swift-tools-version:6.0
// libFuzzer targets for clinic-site (docs/robustness.md). Build and run them with Fuzz/run.sh,
// which passes -sanitize=fuzzer,address to every Swift module (SiteKit and SiteMarkdown included,
// so libFuzzer sees their coverage) and -fsanitize=fuzzer-no-link,address to the C ones (libyaml).
import PackageDescription

/// One executable per fuzz target: Sources/<name>/.
let fuzzTargets = ["FuzzFrontMatter", "FuzzAmounts", "FuzzMarkdown", "FuzzLinks", "FuzzSlugger", "FuzzEscape"]

let package = Package(
    name: "clinic-site-fuzz",
    dependencies: [
        .package(name: "clinic-site", path: ".."),
        // The same version as the main package, to recognise inputs of a known Yams crash.
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzCommon", dependencies: ["CFuzzDriver"]),
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name,
                dependencies: ["FuzzCommon", .product(name: "SiteKit", package: "clinic-site"), .product(name: "Yams", package: "Yams")])
        },
    swiftLanguageModes: [.v6]
)
