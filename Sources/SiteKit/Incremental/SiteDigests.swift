import Foundation

/// What the site-wide stages need to know of a page, worked out once when it is loaded.
struct PageInfo: Sendable {
    var serial = 0
    /// Its place in the site: source path, URL, kind.
    var urlKey: Int
    /// What navigation shows of it: kind, URL, title, weight, description, file.
    var navKey: Int
    /// What the sitemap shows of it.
    var sitemapKey: Int
    var parentURL: String
    /// The source it was worked out from (to tell it apart from another version).
    var relativePath: String
    var text: String
    /// What the index reads of it: source path and file, URL, aliases.
    var indexKey: Int
    var declaresPrices: Bool
    var declaresLists: Bool
    /// `ignore:` front matter or an `<!-- ignore: … -->` comment.
    var hasSuppressions: Bool

    init(_ page: Page) {
        var url = Hasher()
        url.combine(page.source.relativePath)
        url.combine(page.url)
        url.combine(page.kind)
        url.combine(page.draft)
        var nav = Hasher()
        nav.combine(page.kind)
        nav.combine(page.url)
        nav.combine(page.title)
        nav.combine(page.weight)
        nav.combine(page.description)
        nav.combine(page.source.displayPath)
        var sitemap = Hasher()
        sitemap.combine(page.url)
        sitemap.combine(page.frontMatter["sitemap"]?.bool)
        sitemap.combine(page.frontMatter["lastmod"]?.string)
        sitemap.combine(page.frontMatter["date"]?.string)
        sitemap.combine(page.frontMatter["lastmod"] == nil)
        var index = Hasher()
        index.combine(page.source.relativePath)
        index.combine(page.source.displayPath)
        index.combine(page.url)
        // Where a duplicate URL is reported: the `slug:` or `url:` that chose it, else the file.
        index.combine(page.frontMatter["slug"]?.position)
        index.combine(page.frontMatter["url"]?.position)
        for alias in page.aliases {
            index.combine(alias.url)
            index.combine(alias.position)
        }
        urlKey = url.finalize()
        navKey = nav.finalize()
        sitemapKey = sitemap.finalize()
        parentURL = PageAssembler.parentURL(of: page.url)
        relativePath = page.source.relativePath
        text = page.source.text
        indexKey = index.finalize()
        declaresPrices = page.frontMatter.entry("prices") != nil
        declaresLists = page.frontMatter["lists"] != nil
        hasSuppressions = !page.ignores.isEmpty
    }
}

/// Digests of the site-wide inputs of a build, which the per-page memos compare with the ones
/// they were made under. Only a build that keeps its memos works them out.
struct SiteDigests: Sendable {
    var infos: [PageInfo]
    /// Settings, theme, images and build options.
    var env: Int
    /// Every page's and draft's source path and URL, and which files are copied.
    var urlMap: Int
    /// What navigation shows of every page.
    var nav: Int
    /// The pages that declare prices, and lists.
    var catalog: Int
    var lists: Int
    var rules: Int
    var today: String
    var suppressions: Int

    /// This build's digests; `pages` are the index's pages (duplicates dropped). `last` holds
    /// the infos of the last build, updated in place.
    static func make(
        pages: [Page], drafts: [Page], sources: SiteSources, options: SiteBuilder.Options, images: Int,
        loads: LoadMemo, last: inout [PageInfo]
    ) -> SiteDigests {
        var infos: [PageInfo] = []
        if pages.count == last.count {
            swap(&infos, &last)
            for i in pages.indices where infos[i].relativePath != pages[i].source.relativePath || infos[i].text != pages[i].source.text {
                infos[i] = loads.info(pages[i]) ?? PageInfo(pages[i])
            }
        } else {
            infos = pages.map { loads.info($0) ?? PageInfo($0) }
        }
        last = infos
        var urlMap = Hasher()
        var nav = Hasher()
        var catalog = Hasher()
        var lists = Hasher()
        var suppressions = Hasher()
        for info in infos {
            urlMap.combine(info.urlKey)
            nav.combine(info.navKey)
            if info.declaresPrices { catalog.combine(info.serial) }
            if info.declaresLists { lists.combine(info.serial) }
            if info.hasSuppressions { suppressions.combine(info.serial) }
        }
        urlMap.combine(-1)
        // Relative links to copied files are rewritten to the file's URL: which files exist is
        // part of what a page's links resolve to.
        for file in sources.staticFiles { urlMap.combine(file.outputPath) }
        urlMap.combine(-2)
        for draft in drafts {
            urlMap.combine(draft.source.relativePath)
            urlMap.combine(draft.url)
        }
        var env = Hasher()
        env.combine(sources.settings)
        env.combine(sources.templates)
        env.combine(options.drafts)
        // Every image's variants and problems: pages show them, links check them, the output lists them.
        env.combine(images)
        return SiteDigests(
            infos: infos, env: env.finalize(), urlMap: urlMap.finalize(), nav: nav.finalize(),
            catalog: catalog.finalize(), lists: lists.finalize(), rules: BuildCache.digest(sources.dataFiles),
            today: options.today, suppressions: suppressions.finalize())
    }
}
