import Foundation

/// Files the build makes itself: redirects for aliases, `sitemap.xml`, `robots.txt`.
enum Generated {
    static func redirect(to url: String, settings: SiteSettings) -> String {
        let target = Escape.html(url)
        return """
            <!DOCTYPE html>
            <html lang="\(Escape.html(settings.language))">
            <head>
            <meta charset="utf-8">
            <title>This page has moved</title>
            <meta name="robots" content="noindex">
            <link rel="canonical" href="\(Escape.html(settings.baseURL + url))">
            <meta http-equiv="refresh" content="0; url=\(target)">
            </head>
            <body>
            <p>This page has moved to <a href="\(target)">\(target)</a>.</p>
            </body>
            </html>

            """
    }

    static func siteFiles(pages: [Page], settings: SiteSettings) -> [OutputFile] {
        var files: [OutputFile] = []
        var robots = "User-agent: *\nAllow: /\n"
        if !settings.baseURL.isEmpty {
            robots += "Sitemap: \(settings.baseURL)/sitemap.xml\n"
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            for page in pages.sorted(by: { $0.url < $1.url }) where !page.url.hasSuffix(".html") && page.frontMatter["sitemap"]?.bool != false {
                xml += "  <url>\n    <loc>\(Escape.html(settings.baseURL + page.url))</loc>\n"
                // lastmod comes from front matter, never from the clock, so builds are reproducible.
                if let lastmod = (page.frontMatter["lastmod"] ?? page.frontMatter["date"])?.string, lastmod.count >= 10 {
                    xml += "    <lastmod>\(Escape.html(String(lastmod.prefix(10))))</lastmod>\n"
                }
                xml += "  </url>\n"
            }
            xml += "</urlset>\n"
            files.append(OutputFile(path: "sitemap.xml", contents: .text(xml)))
        }
        files.append(OutputFile(path: "robots.txt", contents: .text(robots)))
        return files
    }
}
