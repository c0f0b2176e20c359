import Foundation
import SiteMarkdown

/// JSON-LD for search engines, built from the same data as the visible text:
/// `MedicalClinic` on the home page (offers from confirmed prices only, no bundles), `FAQPage` on a page of
/// `type: faq` (one question per `##` heading that ends in "?", the answer being the visible text
/// below it), `MedicalWebPage` with `lastReviewed`/`reviewedBy` where front matter gives them.
public enum StructuredData {
    public static func scripts(for page: Page, body: RenderedMarkdown, settings: SiteSettings, prices: PriceCatalog) -> String {
        var blocks: [[String: Any]] = []
        if page.kind == .home, let clinic = settings.raw["clinic"] {
            var entry: [String: Any] = ["@context": "https://schema.org", "@type": "MedicalClinic", "name": clinic["name"]?.string ?? settings.name]
            if !settings.baseURL.isEmpty { entry["url"] = settings.baseURL + "/" }
            if let area = clinic["area_served"]?.string { entry["areaServed"] = area }
            if let specialty = clinic["medical_specialty"]?.string { entry["medicalSpecialty"] = specialty }
            if let description = page.description ?? (settings.description.isEmpty ? nil : settings.description) { entry["description"] = description }
            // Only the fees the clinic lists one by one: a bundle ("six treatments") is arithmetic
            // on them, not something the clinic sells.
            let offers: [[String: Any]] = prices.prices.compactMap { price in
                guard let amount = price.amount, price.bundle.isEmpty else { return nil }
                return ["@type": "Offer", "name": price.name, "price": "\(amount)", "priceCurrency": price.currency]
            }
            if !offers.isEmpty { entry["makesOffer"] = offers }
            blocks.append(entry)
        }
        if page.frontMatter["type"]?.string == "faq" {
            let questions = faq(body).map { q -> [String: Any] in
                ["@type": "Question", "name": q.question, "acceptedAnswer": ["@type": "Answer", "text": q.answer]]
            }
            if !questions.isEmpty {
                blocks.append(["@context": "https://schema.org", "@type": "FAQPage", "mainEntity": questions])
            }
        }
        if let review = Review(page) {
            var entry: [String: Any] = [
                "@context": "https://schema.org", "@type": "MedicalWebPage", "name": page.title,
                "lastReviewed": review.date, "reviewedBy": ["@type": "Person", "name": review.by],
            ]
            if !settings.baseURL.isEmpty { entry["url"] = settings.baseURL + page.url }
            blocks.append(entry)
        }
        return blocks.map { "<script type=\"application/ld+json\">" + json($0) + "</script>" }.joined(separator: "\n")
    }

    /// Questions (`##` headings ending in "?") and the visible text of what follows each.
    public static func faq(_ body: RenderedMarkdown) -> [(question: String, answer: String)] {
        let html = body.html
        var result: [(String, String)] = []
        let h2s = body.headings.filter { $0.level == 2 }
        for (i, heading) in h2s.enumerated() where heading.text.hasSuffix("?") {
            guard let start = html.range(of: "<h2 id=\"\(heading.id)\">") else { continue }
            guard let headingEnd = html.range(of: "</h2>", range: start.upperBound..<html.endIndex) else { continue }
            var end = html.endIndex
            if i + 1 < h2s.count, let next = html.range(of: "<h2 id=\"\(h2s[i + 1].id)\">", range: headingEnd.upperBound..<html.endIndex) {
                end = next.lowerBound
            }
            let answer = visibleText(String(html[headingEnd.upperBound..<end]))
            result.append((heading.text, answer))
        }
        return result
    }

    /// The text a reader sees in an HTML fragment, blocks separated by spaces.
    public static func visibleText(_ html: String) -> String {
        HTMLScanner.scan(html).texts.map(\.text).joined(separator: " ")
    }

    /// JSON with keys sorted, and `<`, `>`, `&` escaped so no content can close the script element.
    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Escape.jsonInScript(String(decoding: data, as: UTF8.self))
    }
}

/// A completed medical review from front matter: `reviewed: 2026-03-01` and `reviewed_by: NAME`.
/// `reviewed: pending` (or no reviewer) is no review.
public struct Review: Sendable, Hashable {
    public var by: String
    public var date: String

    public init?(_ page: Page) {
        guard let reviewed = page.frontMatter["reviewed"], case .date(let date) = reviewed.kind,
            let by = page.frontMatter["reviewed_by"]?.string, !by.isEmpty
        else { return nil }
        self.by = by
        self.date = date
    }

    /// Whether the page says its medical review is still to be done (`reviewed: pending`), so
    /// the theme can say so to the reader.
    public static func isPending(_ page: Page) -> Bool {
        guard let reviewed = page.frontMatter["reviewed"], case .string(let value) = reviewed.kind else { return false }
        return value.trimmingCharacters(in: .whitespaces).lowercased() == "pending"
    }
}
