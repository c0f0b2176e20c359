// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "clinic-site",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "clinic-site", targets: ["clinic-site"]),
        .library(name: "SiteKit", targets: ["SiteKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swhitty/FlyingFox.git", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .systemLibrary(
            name: "CGumbo",
            pkgConfig: "gumbo",
            providers: [.apt(["libgumbo-dev"])]
        ),
        .systemLibrary(
            name: "CHyphen",
            providers: [.apt(["libhyphen-dev", "hyphen-en-us"])]
        ),
        .systemLibrary(name: "CSystemSupport"),
        .target(name: "CArena"),
        // libvips (Debian's libvips42), loaded with dlopen on the first image rather than linked,
        // so that a run without images does not map it and its hundred libraries (vips.c).
        .target(name: "CVips"),
        // libcurl (Debian's libcurl4), loaded with dlopen on the first `--check-external` request
        // rather than linked through FoundationNetworking, which maps it and thirty libraries into
        // every run (curl.c).
        .target(name: "CCurl"),
        .target(name: "SiteMarkdown", dependencies: ["CCmarkGFM", "CArena"]),
        // The one module that touches libvips's C API.
        .target(name: "SiteImages", dependencies: ["CVips"]),
        .target(
            name: "SiteKit",
            dependencies: [
                "SiteMarkdown", "SiteImages", "CCurl", "CGumbo", "CHyphen", "CSystemSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "SiteServer",
            dependencies: [
                "SiteKit", "SiteMarkdown",
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        .target(name: "SiteLSP", dependencies: ["SiteKit", "SiteMarkdown"]),
        .executableTarget(
            name: "clinic-site",
            dependencies: [
                "SiteKit",
                "SiteServer",
                "SiteLSP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `clinic-site new` reads content/_schemas.yaml (NewPage.swift).
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // What every test target shares: the temporary test site, the preview server harness and
        // its HTTP client, the CLI runner (like swift-argument-parser's ArgumentParserTestHelpers).
        .target(name: "TestSupport", dependencies: ["SiteKit", "SiteServer"], path: "Tests/TestSupport"),
        .testTarget(name: "SiteMarkdownTests", dependencies: ["SiteMarkdown", "TestSupport"]),
        // The bad-input catalogue runs the real binary (BadInput.cli), so it depends on it too;
        // Equivalence/ holds every "fast way equals plain way" test, the serving one included.
        .testTarget(
            name: "SiteKitTests",
            dependencies: ["SiteKit", "SiteImages", "SiteLSP", "SiteMarkdown", "SiteServer", "TestSupport", "clinic-site"],
            exclude: ["Fixtures"]),
        .testTarget(name: "SiteServerTests", dependencies: ["SiteServer", "SiteKit", "TestSupport"]),
        .testTarget(name: "SiteLSPTests", dependencies: ["SiteLSP", "SiteKit", "SiteMarkdown", "TestSupport"]),
        // Tests that drive the executable (CLI.run) or test its code (`@testable import clinic_site`):
        // depending on it makes `swift build --build-tests` build the binary they run.
        .testTarget(name: "CLITests", dependencies: ["clinic-site", "SiteKit", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
