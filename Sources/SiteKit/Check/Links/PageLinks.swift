import Foundation
import SiteMarkdown

/// Every link of one page, each resolved once per check of the page (`LinkResolver.resolve`
/// from the page's URL) and looked up in the output: what `LinkChecker` checks, and what
/// `CheckMemo` keeps of it (`Reads`) to know when the check is stale and which files the page
/// shows.
struct PageLinks: Sendable {
    /// One link as its page reads it.
    struct Link: Sendable {
        /// The destination as published.
        var href: String
        var target: LinkResolver.Target
        /// The output file the link points into: for a local link the file `OutputIndex.file(for:)`
        /// gives its path (nil when there is none), for a same-page fragment the page's own file.
        var file: String?
    }

    /// A link of the page's raw HTML (read with gumbo, `HTMLScanner`), with the tag that holds it.
    struct RawLink: Sendable {
        var tag: HTMLFacts.Link
        /// Where the raw HTML piece starts in the page's source (the tag's line and column count from it).
        var piece: LineColumn
        var link: Link
    }

    /// The Markdown links, in the order of `page.rendered.body.links`.
    var body: [Link]
    /// The links of the raw HTML the site publishes, in the order of `page.rendered.body.rawHTML`.
    var rawHTML: [RawLink]
    /// The theme's links, in the order of `page.chrome.links`.
    var chrome: [Link]

    init(of page: AssembledPage, in index: OutputIndex, allowedSchemes: Set<String>) {
        let url = page.page.url
        let pageFile = page.page.outputPath
        func resolve(_ href: String) -> Link {
            let target = LinkResolver.resolve(href, from: url, allowedSchemes: allowedSchemes)
            switch target {
            case .local(let path, _): return Link(href: href, target: target, file: index.file(for: path))
            case .samePage: return Link(href: href, target: target, file: pageFile)
            default: return Link(href: href, target: target, file: nil)
            }
        }
        body = page.rendered.body.links.map { resolve($0.renderedDestination) }
        rawHTML = page.rendered.body.rawHTML.flatMap { raw in
            HTMLScanner.scan(raw.html).links.map { RawLink(tag: $0, piece: raw.position, link: resolve($0.value)) }
        }
        chrome = page.chrome.links.map { resolve($0.value) }
    }

    /// What checking a page's links read of the output, kept by `CheckMemo` for each page.
    struct Reads: Sendable {
        /// A local path the page's links name, and the output file it resolved to.
        struct Lookup: Sendable {
            var path: String
            var file: String?
            /// Whether a Markdown or theme link names the path (raw HTML's links do not show an
            /// image, for `CheckStage.unshownImageProblems`).
            var shows: Bool
        }

        /// Every local path the page's links name, once, in the order first named.
        var lookups: [Lookup]
        /// Output files whose ids the page's links read (those with a fragment).
        var fragmentFiles: [String]

        /// The files (output paths, without a leading `/`) that the page shows: a Markdown or
        /// theme link names them.
        var shownPaths: [String] {
            lookups.compactMap { $0.shows ? String($0.path.drop { $0 == "/" }) : nil }
        }
    }

    var reads: Reads {
        var lookups: [Reads.Lookup] = []
        var at: [String: Int] = [:]
        var fragmentFiles: Set<String> = []
        func read(_ link: Link, shows: Bool) {
            switch link.target {
            case .samePage:
                if let file = link.file { fragmentFiles.insert(file) }
            case .local(let path, let fragment):
                if let known = at[path] {
                    if shows { lookups[known].shows = true }
                } else {
                    at[path] = lookups.count
                    lookups.append(Reads.Lookup(path: path, file: link.file, shows: shows))
                }
                if fragment != nil, let file = link.file { fragmentFiles.insert(file) }
            default:
                break
            }
        }
        for link in body { read(link, shows: true) }
        for link in chrome { read(link, shows: true) }
        for raw in rawHTML { read(raw.link, shows: false) }
        return Reads(lookups: lookups, fragmentFiles: Array(fragmentFiles))
    }
}
